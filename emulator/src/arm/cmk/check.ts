import { randomBytes } from "node:crypto";
import type { Emulator } from "../../emulator.js";
import { checkAccess, checkFirewall, type KvCaller } from "../../keyvault/authz.js";
import { unwrap, wrap } from "../../keyvault/crypto.js";
import { KvError } from "../../keyvault/errors.js";
import { recoveryLevel, resourceForHost, VAULT_HOST, vaultView } from "../../keyvault/vault.js";
import { findUami } from "../directory.js";
import { takeFault } from "../../core/fault-hook.js";
import { hasUami } from "../tracked.js";

/** Why a customer key cannot be used; each service maps these onto its own error codes. */
export type CmkFailure =
  | "InvalidKeyUri"
  | "VersionNotAllowed"
  | "VersionRequired"
  | "IdentityNotOnResource"
  | "IdentityNotFound"
  | "VaultNotFound"
  | "TokenAcquisitionFailed"
  | "Firewall"
  | "KeyNotFound"
  | "Forbidden"
  | "KeyTypeNotSupported"
  | "KeyDisabled"
  | "KeyExpired"
  | "KeyNotYetValid"
  | "PurgeProtectionMissing"
  | "RegionMismatch"
  | "WrapUnwrapFailed";

export interface CmkRequest {
  resourceLocation: string;
  identity: Record<string, unknown> | undefined;
  uamiResourceId: string | undefined;
  federatedClientId: string | undefined;
  keyUri: string;
  version: "versioned" | "versionless" | "either";
  rsaSizes: number[];
  sameRegion: boolean;
  /** "apply": the service is being configured (wraps a new DEK). "use": it keeps unwrapping (expiry does not matter). */
  mode?: "apply" | "use";
}

export type CmkResult =
  | {
      ok: true;
      host: string;
      vaultName: string;
      keyName: string;
      version: string;
      kid: string;
      exp?: number;
      principalId: string;
    }
  | { ok: false; reason: CmkFailure; message: string };

export interface ParsedKeyUri {
  host: string;
  vaultName: string;
  name: string;
  version?: string;
}

export function parseKeyUri(uri: string): ParsedKeyUri | undefined {
  const m = /^https:\/\/([^/]+)\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-fA-F]{32}))?\/?$/.exec(uri.trim());
  const host = m?.[1]?.toLowerCase().replace(/:443$/, "") ?? "";
  const vault = VAULT_HOST.exec(host);
  if (!m || !vault) return undefined;
  return { host, vaultName: vault[1] ?? "", name: m[2] ?? "", version: m[3]?.toLowerCase() };
}

const fail = (reason: CmkFailure, message: string): CmkResult => ({ ok: false, reason, message });
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, "");

/**
 * What an Azure service does before it accepts (or keeps using) a customer key: resolve the resource's UAMI,
 * obtain a token in the key's tenant through the federated client id, then get + wrap + unwrap the key as a
 * trusted service — and check the service's own rules on key type, lifetime, vault recoverability and region.
 */
export async function checkCustomerKey(emu: Emulator, req: CmkRequest): Promise<CmkResult> {
  const key = parseKeyUri(req.keyUri);
  if (!key)
    return fail("InvalidKeyUri", `The key URI '${req.keyUri}' is not a valid Key Vault key identifier.`);
  if (req.version === "versionless" && key.version)
    return fail("VersionNotAllowed", "The key URI must not contain a version.");
  if (req.version === "versioned" && !key.version)
    return fail("VersionRequired", "The key URI must contain a key version.");
  if (!req.uamiResourceId || !hasUami(req.identity, req.uamiResourceId)) {
    return fail(
      "IdentityNotOnResource",
      `The user assigned identity '${req.uamiResourceId ?? ""}' is not associated with the resource.`,
    );
  }
  const uami = findUami(emu, req.uamiResourceId);
  if (!uami)
    return fail("IdentityNotFound", `The user assigned identity '${req.uamiResourceId}' was not found.`);
  const armVault = emu.arm.findVaultByHost(key.host);
  if (!armVault) return fail("VaultNotFound", `The key vault '${key.host}' could not be resolved.`);
  const vault = vaultView(armVault);
  let caller: KvCaller;
  if (req.federatedClientId) {
    const t = await emu.federation.acquireForUami({
      uamiResourceId: uami.id || req.uamiResourceId,
      federatedClientId: req.federatedClientId,
      tenantId: vault.tenantId,
      resource: resourceForHost(key.host),
    });
    if (!t.ok) return fail("TokenAcquisitionFailed", `AADSTS${t.aadsts}: ${t.description}`);
    const c = t.claims;
    caller = {
      oid: String(c.oid ?? ""),
      tid: String(c.tid ?? ""),
      appid: String(c.appid ?? c.azp ?? ""),
      iss: String(c.iss ?? ""),
      ip: "0.0.0.0",
      trustedService: true,
    };
  } else {
    // Without a federated client id the service uses the UAMI itself, which only has tokens in its own tenant.
    if (norm(uami.tenantId) !== norm(vault.tenantId)) {
      return fail(
        "TokenAcquisitionFailed",
        `AADSTS700016: The identity '${uami.clientId}' cannot obtain a token in tenant '${vault.tenantId}'.`,
      );
    }
    caller = {
      oid: uami.principalId,
      tid: uami.tenantId,
      appid: uami.clientId,
      iss: `https://sts.windows.net/${uami.tenantId}/`,
      ip: "0.0.0.0",
      trustedService: true,
    };
  }
  try {
    checkFirewall(vault, caller);
  } catch (e) {
    return fail("Firewall", e instanceof Error ? e.message : String(e));
  }
  const v = emu.keyVault.getKey(key.host, key.name, key.version);
  if (!v)
    return fail(
      "KeyNotFound",
      `A key with (name/id) ${key.name}${key.version ? `/${key.version}` : ""} was not found in this key vault.`,
    );
  try {
    for (const op of ["get", "wrapKey", "unwrapKey"] as const) checkAccess(emu, vault, caller, op, key.name);
  } catch (e) {
    return fail("Forbidden", e instanceof KvError ? e.message : String(e));
  }
  if (!v.kty.startsWith("RSA") || !req.rsaSizes.includes(v.size ?? 0)) {
    return fail(
      "KeyTypeNotSupported",
      `Key type ${v.kty}${v.size ? ` ${v.size}` : v.crv ? ` ${v.crv}` : ""} is not supported.`,
    );
  }
  const now = emu.clock.nowSeconds();
  if (!v.enabled) return fail("KeyDisabled", `The key '${key.name}' is disabled.`);
  const applying = req.mode !== "use";
  if (applying && v.exp !== undefined && now >= v.exp)
    return fail("KeyExpired", `The key '${key.name}' has expired.`);
  if (applying && v.nbf !== undefined && now < v.nbf)
    return fail("KeyNotYetValid", `The key '${key.name}' is not yet valid.`);
  // Services read recoverability from the key bundle's recoveryLevel (they cannot read the vault's ARM properties cross-tenant).
  if (recoveryLevel(vault).recoveryLevel.includes("Purgeable")) {
    return fail(
      "PurgeProtectionMissing",
      `The key vault '${vault.name}' does not have soft delete and purge protection enabled.`,
    );
  }
  if (req.sameRegion && norm(vault.location) !== norm(req.resourceLocation)) {
    return fail(
      "RegionMismatch",
      `The key vault '${vault.name}' is in region '${vault.location}', the resource is in '${req.resourceLocation}'.`,
    );
  }
  // Injected Key Vault faults ("unwrap returns 500") hit the service's own wrap/unwrap too.
  const path = `/keyvault/${key.host}/keys/${v.name}/${v.version}`;
  // A service already using the key only unwraps; one being configured wraps a new DEK too.
  const ops = applying ? (["wrapKey", "unwrapKey"] as const) : (["unwrapKey"] as const);
  const injected = ops
    .map((op) =>
      takeFault(emu, {
        service: "keyvault",
        operation: op,
        method: "POST",
        path: `${path}/${op.toLowerCase()}`,
      }),
    )
    .some((f) => (f?.status ?? 0) >= 400);
  const dek = randomBytes(32);
  if (injected || !unwrap("RSA-OAEP-256", v.privateKey, wrap("RSA-OAEP-256", v.publicKey, dek)).equals(dek)) {
    return fail("WrapUnwrapFailed", "The wrap/unwrap operation on the key failed.");
  }
  return {
    ok: true,
    host: key.host,
    vaultName: key.vaultName,
    keyName: v.name,
    version: v.version,
    kid: `https://${key.host}/keys/${v.name}/${v.version}`,
    exp: v.exp,
    principalId: caller.oid,
  };
}
