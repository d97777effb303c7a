import { constants, generateKeyPair, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export type Kty = "RSA" | "RSA-HSM" | "EC" | "EC-HSM";
export type Curve = "P-256" | "P-384" | "P-521";
export const RSA_SIZES = [2048, 3072, 4096] as const;
export const WRAP_ALGS = ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] as const;
export type WrapAlg = (typeof WRAP_ALGS)[number];

const NODE_CURVE: Record<Curve, string> = {
  "P-256": "prime256v1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
};

/** Real key material: RSA via node:crypto (software and "HSM" keys alike), EC on the NIST curves. */
export async function generateKeyMaterial(kty: Kty, size: number | undefined, crv: Curve | undefined) {
  const poolSize = Number(process.env.EMULATOR_KEY_MATERIAL_POOL ?? 0);
  if (poolSize > 0) return pooled(`${kty}:${size ?? ""}:${crv ?? ""}`, poolSize, () => fresh(kty, size, crv));
  return fresh(kty, size, crv);
}

function fresh(kty: Kty, size: number | undefined, crv: Curve | undefined) {
  if (kty.startsWith("RSA")) {
    return generate("rsa", { modulusLength: size ?? 2048, publicExponent: 0x10001 });
  }
  return generate("ec", { namedCurve: NODE_CURVE[crv ?? "P-256"] });
}

// Benchmarks with tens of thousands of keys set EMULATOR_KEY_MATERIAL_POOL: keys then share a few real key
// pairs (round robin) instead of spending minutes generating RSA material. Never set it for tests of the crypto.
const pools = new Map<
  string,
  { pairs: Promise<{ publicKey: KeyObject; privateKey: KeyObject }>[]; next: number }
>();
function pooled(
  shape: string,
  size: number,
  make: () => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>,
) {
  const pool = pools.get(shape) ?? { pairs: [], next: 0 };
  pools.set(shape, pool);
  if (pool.pairs.length < size) {
    const pair = make();
    pool.pairs.push(pair);
    return pair;
  }
  return pool.pairs[pool.next++ % size]!;
}

/** Public JWK members as Key Vault returns them (base64url n/e or crv/x/y). */
export function publicJwk(publicKey: KeyObject): Record<string, string> {
  const jwk = publicKey.export({ format: "jwk" });
  const out: Record<string, string> = {};
  for (const k of ["n", "e", "crv", "x", "y"] as const) if (typeof jwk[k] === "string") out[k] = jwk[k];
  return out;
}

// RSA-OAEP is OAEP with SHA-1 (JWA RFC 7518 §4.3); RSA-OAEP-256 uses SHA-256 for hash and MGF1.
const padding = (alg: WrapAlg) =>
  alg === "RSA1_5"
    ? { padding: constants.RSA_PKCS1_PADDING }
    : { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP" ? "sha1" : "sha256" };

export function wrap(alg: WrapAlg, publicKey: KeyObject, cek: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, ...padding(alg) }, cek);
}

export function unwrap(alg: WrapAlg, privateKey: KeyObject, wrapped: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, ...padding(alg) }, wrapped);
}

export const b64url = (b: Buffer): string => b.toString("base64url");
export const fromB64url = (s: string): Buffer => Buffer.from(s, "base64url");
