import { errors as joseErrors } from "jose";
import type { Emulator } from "../emulator.js";
import type { Application, User } from "../core/directory.js";
import { GRAPH_APP_ID } from "../core/first-party.js";
import { APP_ADMIN_ROLES, hasAnyRole } from "../core/roles.js";
import { GraphError, denied } from "./errors.js";

const AUDIENCES = ["https://graph.microsoft.com", "https://graph.microsoft.com/", GRAPH_APP_ID];

/** The caller as Graph sees it: app-only (roles) or delegated (scp, limited by the user's directory roles). */
export interface GraphCaller {
  tenantId: string;
  oid: string;
  roles: string[];
  scopes: string[];
  user?: User;
}

const invalidToken = (message: string) => new GraphError(401, "InvalidAuthenticationToken", message);

export async function authenticateGraph(
  emu: Emulator,
  authorization: string | undefined,
): Promise<GraphCaller> {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token) throw invalidToken("Access token is empty.");
  let claims: Record<string, unknown>;
  try {
    claims = await emu.tokens.verify(token, { audiences: AUDIENCES });
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      throw invalidToken("Lifetime validation failed, the token is expired.");
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "aud")
      throw invalidToken("Access token validation failure. Invalid audience.");
    throw invalidToken("Access token validation failure.");
  }
  const tenantId = String(claims.tid ?? "");
  const oid = String(claims.oid ?? "");
  const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const user = claims.idtyp === "user" ? emu.directory.getUser(tenantId, oid) : undefined;
  return { tenantId, oid, roles, scopes, user };
}

const READ_ROLES = [
  "Application.Read.All",
  "Application.ReadWrite.OwnedBy",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const READ_SCOPES = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.AccessAsUser.All",
];
const WRITE_SCOPES = ["Application.ReadWrite.All", "Directory.AccessAsUser.All"];
const has = (held: string[], wanted: string[]) => held.some((h) => wanted.includes(h));

export function requireRead(c: GraphCaller): void {
  if (c.user ? has(c.scopes, READ_SCOPES) : has(c.roles, READ_ROLES)) return;
  throw denied();
}

/** Creating a service principal: app roles per §2.2; delegated needs the scope and an app-admin directory role. */
export function requireSpCreate(c: GraphCaller): void {
  if (c.user) {
    if (has(c.scopes, WRITE_SCOPES) && hasAnyRole(c.user.directoryRoles, APP_ADMIN_ROLES)) return;
  } else if (has(c.roles, ["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"])) return;
  throw denied();
}

/** Writing an application's credentials (FICs): ReadWrite.All, or OwnedBy / Application Developer on owned apps. */
export function requireAppWrite(c: GraphCaller, app: Application): void {
  const owner = app.owners.some((o) => o.toLowerCase() === c.oid.toLowerCase());
  if (c.user) {
    const admin =
      hasAnyRole(c.user.directoryRoles, APP_ADMIN_ROLES) ||
      (owner && c.user.directoryRoles.includes("Application Developer"));
    if (has(c.scopes, WRITE_SCOPES) && (admin || owner)) return;
  } else if (
    has(c.roles, ["Application.ReadWrite.All"]) ||
    (owner && has(c.roles, ["Application.ReadWrite.OwnedBy"]))
  )
    return;
  throw denied();
}

export function requireTenantInfo(c: GraphCaller): void {
  if (
    c.user
      ? has(c.scopes, ["CrossTenantInformation.ReadBasic.All", "Directory.AccessAsUser.All"])
      : has(c.roles, ["CrossTenantInformation.ReadBasic.All"])
  )
    return;
  throw denied();
}
