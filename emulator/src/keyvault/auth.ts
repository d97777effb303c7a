import { decodeJwt } from "jose";
import type { Emulator } from "../emulator.js";
import { KvError } from "./errors.js";
import type { KvCaller } from "./authz.js";
import { resourceForHost, type VaultView } from "./vault.js";
import { authorityOrigin } from "../core/origin.js";

// First-party app ids that are also accepted as audiences (Key Vault, Managed HSM).
const APP_AUDIENCES = ["cfa8b339-82a2-471a-a3c9-0fc0be7a4093", "589d5083-6f11-4d30-a62a-a4b316a14abf"];

/** The challenge the SDK's keyVaultAuthenticationPolicy parses (§5.2): authority = emulator + vault tenant. */
export function challengeHeader(emu: Emulator, vault: VaultView): string {
  return `Bearer authorization="${authorityOrigin(emu)}/${vault.tenantId}", resource="${resourceForHost(vault.host)}"`;
}

const unauthorized = (emu: Emulator, vault: VaultView, message: string) =>
  new KvError(401, "Unauthorized", message, undefined, { "www-authenticate": challengeHeader(emu, vault) });

export async function authenticateKv(
  emu: Emulator,
  vault: VaultView,
  authorization: string | undefined,
  ip: string,
): Promise<KvCaller> {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token) throw unauthorized(emu, vault, "AKV10000: Request is missing a Bearer or PoP token.");
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw unauthorized(emu, vault, "AKV10000: Request is missing a Bearer or PoP token.");
  }
  const resource = resourceForHost(vault.host);
  const audiences = [resource, `${resource}/`, ...APP_AUDIENCES];
  const aud = String(claims.aud ?? "");
  if (!audiences.includes(aud)) {
    throw unauthorized(emu, vault, `AKV10022: Invalid audience. Expected ${resource}, found: ${aud}.`);
  }
  const tid = String(claims.tid ?? "");
  const iss = String(claims.iss ?? "");
  if (tid.toLowerCase() !== vault.tenantId.toLowerCase()) {
    throw unauthorized(
      emu,
      vault,
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, ${authorityOrigin(emu)}/${vault.tenantId}/v2.0, found ${iss}.`,
    );
  }
  if (typeof claims.exp === "number" && claims.exp <= emu.clock.nowSeconds()) {
    throw unauthorized(emu, vault, "AKV10021: Token is expired.");
  }
  try {
    await emu.tokens.verify(token, { audiences });
  } catch {
    throw unauthorized(emu, vault, "AKV10009: Invalid token signature.");
  }
  return { oid: String(claims.oid ?? ""), tid, appid: String(claims.appid ?? claims.azp ?? ""), iss, ip };
}
