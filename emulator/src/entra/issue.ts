import { createHash } from "node:crypto";
import type { Emulator } from "../emulator.js";
import type { ServicePrincipal, User } from "../core/directory.js";
import { GRAPH_APP_ID } from "../core/first-party.js";
import { randomToken } from "../core/ids.js";
import { DIRECTORY_ROLES } from "../core/roles.js";
import type { ResourceRef } from "./scopes.js";
import { v1Issuer, v2Issuer } from "./tenant.js";

export const ACCESS_TOKEN_SECONDS = 3599;

/** Who the token is for: an application (app-only) or a user signed in to a client app (delegated). */
export type TokenSubject =
  | { kind: "app"; tenantId: string; sp: ServicePrincipal; clientId: string; acr: "1" | "2"; mirid?: string }
  | { kind: "user"; tenantId: string; user: User; clientId: string; acr: "0" | "1" | "2" };

export interface IssuedToken {
  token: string;
  expiresIn: number;
  claims: Record<string, unknown>;
}

/** Delegated scopes granted for `.default`: the static permissions first-party clients such as the Azure CLI hold. */
const DEFAULT_DELEGATED: Record<string, string> = {
  [GRAPH_APP_ID]:
    "Application.ReadWrite.All AuditLog.Read.All Directory.AccessAsUser.All Group.ReadWrite.All User.ReadWrite.All",
};

/** An access token with the claims of docs/azure-contracts.md §2.4, v1 or v2 as the resource dictates. */
export async function issueAccessToken(
  emu: Emulator,
  subject: TokenSubject,
  resource: ResourceRef,
  lifetime = ACCESS_TOKEN_SECONDS,
): Promise<IssuedToken> {
  const now = emu.clock.nowSeconds();
  const v1 = resource.version === 1;
  const claims: Record<string, unknown> = {
    aud: resource.audience,
    iss: v1 ? v1Issuer(subject.tenantId) : v2Issuer(emu, subject.tenantId),
    iat: now,
    nbf: now,
    exp: now + lifetime,
    aio: randomToken(24),
    ...(v1
      ? { appid: subject.clientId, appidacr: subject.acr }
      : { azp: subject.clientId, azpacr: subject.acr }),
    ...(v1 ? { idp: v1Issuer(subject.tenantId) } : {}),
    rh: `0.${randomToken(12)}.`,
    tid: subject.tenantId,
    uti: randomToken(16),
    ver: v1 ? "1.0" : "2.0",
  };
  if (subject.kind === "app") {
    Object.assign(claims, { idtyp: "app", oid: subject.sp.id, sub: subject.sp.id });
    const roles = resource.appId === GRAPH_APP_ID ? subject.sp.graphAppRoles : [];
    if (roles.length > 0) claims.roles = roles;
    if (subject.mirid) claims.xms_mirid = subject.mirid;
  } else {
    const u = subject.user;
    const scp = resource.permissions.includes(".default")
      ? (DEFAULT_DELEGATED[resource.appId] ?? "user_impersonation")
      : resource.permissions.join(" ");
    Object.assign(claims, {
      idtyp: "user",
      oid: u.id,
      sub: pairwiseSub(u.id, subject.clientId),
      name: u.displayName,
      scp,
      ...(v1 ? { upn: u.upn, unique_name: u.upn, amr: ["pwd"], acr: "1" } : { preferred_username: u.upn }),
    });
    const wids = u.directoryRoles.map((r) => DIRECTORY_ROLES[r]);
    if (wids.length > 0) claims.wids = wids;
    const roles = emu.directory.getApplication(resource.appId)?.appRoleAssignments.get(u.id) ?? [];
    if (roles.length > 0) claims.roles = roles;
  }
  return { token: await emu.tokens.issue(claims), expiresIn: lifetime, claims };
}

/** A v2 id_token for `clientId`; app roles assigned to the user on that app appear as `roles` (Entra does this). */
export async function issueIdToken(
  emu: Emulator,
  user: User,
  clientId: string,
  nonce?: string,
): Promise<string> {
  const now = emu.clock.nowSeconds();
  const roles = emu.directory.getApplication(clientId)?.appRoleAssignments.get(user.id) ?? [];
  return emu.tokens.issue({
    aud: clientId,
    iss: v2Issuer(emu, user.tenantId),
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_SECONDS,
    ...(nonce ? { nonce } : {}),
    name: user.displayName,
    oid: user.id,
    preferred_username: user.upn,
    email: user.upn,
    rh: `0.${randomToken(12)}.`,
    sub: pairwiseSub(user.id, clientId),
    tid: user.tenantId,
    uti: randomToken(16),
    ver: "2.0",
    ...(roles.length > 0 ? { roles } : {}),
  });
}

/** MSAL's `client_info`: base64url JSON of the user's object id and home tenant, asked for with client_info=1. */
export const clientInfo = (user: User): string =>
  Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString("base64url");

// Entra's `sub` is pairwise: stable per user and client application, different across applications.
const pairwiseSub = (userId: string, clientId: string): string =>
  createHash("sha256").update(`${userId}:${clientId}`).digest("base64url").slice(0, 43);
