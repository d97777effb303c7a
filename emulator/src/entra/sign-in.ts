import type { Emulator } from "../emulator.js";
import type { Application, User } from "../core/directory.js";
import { AadError, aad } from "./errors.js";
import type { TenantSegment } from "./tenant.js";

export type PickResult = { user: User } | { retry: string };

/**
 * The account a person picked or typed. An unknown UPN asks again (Entra's "we couldn't find an account");
 * a user of another tenant on a tenant-specific endpoint is AADSTS50020.
 */
export function pickUser(
  emu: Emulator,
  seg: TenantSegment,
  login: string | undefined,
  app?: Application,
): PickResult {
  if (!login) return { retry: "Enter a valid email address, phone number, or Skype name." };
  const user =
    seg.kind === "tenant"
      ? emu.directory.getUser(seg.tenant.id, login)
      : emu.directory.findUserAnywhere(login);
  if (user) return { user };
  const elsewhere = emu.directory.findUserAnywhere(login);
  if (elsewhere && seg.kind === "tenant") {
    throw aad.userNotInTenant(elsewhere.upn, elsewhere.tenantId, app?.appId ?? "", seg.tenant.displayName);
  }
  return {
    retry: "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.",
  };
}

const USER_CONSENTABLE = new Set([
  "openid",
  "profile",
  "email",
  "offline_access",
  "user.read",
  "https://graph.microsoft.com/user.read",
]);

/**
 * Makes sure the app can be used in the user's tenant: a multi-tenant app asking only for sign-in scopes
 * gets its service principal created as user consent would; anything more needs consent first (AADSTS65001).
 */
export function ensureAppInUserTenant(emu: Emulator, app: Application, user: User, scope: string): void {
  if (emu.directory.findServicePrincipal(user.tenantId, app.appId)) return;
  const tenantName = emu.directory.getTenant(user.tenantId)?.displayName ?? user.tenantId;
  if (app.signInAudience !== "AzureADMultipleOrgs")
    throw aad.userNotInTenant(user.upn, user.tenantId, app.appId, tenantName);
  const scopes = scope
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
  if (scopes.every((s) => USER_CONSENTABLE.has(s))) {
    emu.directory.createServicePrincipal(user.tenantId, app.appId, {
      propagationSeconds: emu.settings.consentPropagationSeconds,
    });
    return;
  }
  throw new AadError(
    "consent_required",
    65001,
    `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
  );
}
