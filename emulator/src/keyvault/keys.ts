import { z } from "zod";
import { b64url, fromB64url, publicJwk, RSA_SIZES, unwrap, wrap, WRAP_ALGS, type WrapAlg } from "./crypto.js";
import { badParameter, forbidden, keyNotFound, KvError } from "./errors.js";
import type { KeyVaultStore, KeyVersion } from "./store.js";
import { recoveryLevel, type VaultView } from "./vault.js";

const attributesSchema = z
  .object({
    enabled: z.boolean().optional(),
    nbf: z.number().int().optional(),
    exp: z.number().int().optional(),
  })
  .partial();
const keyOpsSchema = z.array(
  z.enum(["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"]),
);

export const createKeySchema = z.object({
  kty: z.enum(["RSA", "RSA-HSM", "EC", "EC-HSM"]),
  key_size: z.number().int().optional(),
  crv: z.enum(["P-256", "P-384", "P-521"]).optional(),
  key_ops: keyOpsSchema.optional(),
  attributes: attributesSchema.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export const updateKeySchema = z.object({
  key_ops: keyOpsSchema.optional(),
  attributes: attributesSchema.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export const cryptoSchema = z.object({ alg: z.string(), value: z.string() });

export const kid = (vault: VaultView, v: KeyVersion): string =>
  `https://${vault.host}/keys/${v.name}/${v.version}`;

function attributes(vault: VaultView, v: KeyVersion) {
  return {
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    ...recoveryLevel(vault),
    exportable: false,
  };
}

/** KeyBundle (§5.3). */
export function keyBundle(vault: VaultView, v: KeyVersion) {
  return {
    key: { kid: kid(vault, v), kty: v.kty, key_ops: v.keyOps, ...publicJwk(v.publicKey) },
    attributes: attributes(vault, v),
    tags: v.tags,
  };
}

export const keyItem = (vault: VaultView, v: KeyVersion) => ({
  kid: kid(vault, v),
  attributes: attributes(vault, v),
  tags: v.tags,
});

export async function createKey(
  store: KeyVaultStore,
  vault: VaultView,
  name: string,
  body: z.infer<typeof createKeySchema>,
): Promise<KeyVersion> {
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name))
    throw badParameter(`The request URI contains an invalid name: ${name}`);
  const rsa = body.kty.startsWith("RSA");
  const size = rsa ? (body.key_size ?? 2048) : undefined;
  if (rsa && !(RSA_SIZES as readonly number[]).includes(size ?? 0))
    throw badParameter(`The specified key size ${size} is not supported for key type ${body.kty}.`);
  if (!rsa && body.key_size !== undefined)
    throw badParameter("Property key_size is not allowed for EC keys.");
  return store.createKey(vault.host, name, {
    kty: body.kty,
    size,
    crv: rsa ? undefined : (body.crv ?? "P-256"),
    keyOps: body.key_ops,
    enabled: body.attributes?.enabled,
    nbf: body.attributes?.nbf,
    exp: body.attributes?.exp,
    tags: body.tags,
  });
}

export function requireKey(
  store: KeyVaultStore,
  vault: VaultView,
  name: string,
  version?: string,
): KeyVersion {
  const v = store.getKey(vault.host, name, version);
  if (!v) throw keyNotFound(name, version);
  return v;
}

/**
 * wrapKey/unwrapKey/encrypt/decrypt (§5.3): disabled blocks all; outside nbf/exp only the "protecting"
 * direction (wrap/encrypt) is refused, unwrap/decrypt keep working so data stays readable.
 */
export function cryptoOperation(
  v: KeyVersion,
  op: "wrapKey" | "unwrapKey" | "encrypt" | "decrypt",
  body: z.infer<typeof cryptoSchema>,
  nowSeconds: number,
  kidValue: string,
) {
  if (!v.enabled) throw forbidden(`Operation ${op} is not allowed on a disabled key.`, "KeyDisabled");
  if (!v.keyOps.includes(op)) throw forbidden(`Operation ${op} is not allowed on this key.`);
  const protecting = op === "wrapKey" || op === "encrypt";
  if (protecting && v.exp !== undefined && nowSeconds >= v.exp)
    throw forbidden(`Operation ${op} is not allowed on an expired key.`);
  if (protecting && v.nbf !== undefined && nowSeconds < v.nbf)
    throw forbidden(`Operation ${op} is not allowed on a key that is not yet valid.`);
  if (!v.kty.startsWith("RSA") || !(WRAP_ALGS as readonly string[]).includes(body.alg)) {
    throw badParameter(`Algorithm ${body.alg} is not supported for key type ${v.kty}.`);
  }
  const alg = body.alg as WrapAlg;
  const input = fromB64url(body.value);
  try {
    const out = protecting ? wrap(alg, v.publicKey, input) : unwrap(alg, v.privateKey, input);
    return { kid: kidValue, value: b64url(out) };
  } catch {
    throw new KvError(
      400,
      "BadParameter",
      protecting ? "The value is too long for the key size and algorithm." : "Invalid ciphertext.",
    );
  }
}
