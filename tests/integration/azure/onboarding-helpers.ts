import { inject } from "vitest";
import type { Db } from "../../../lib/db/create-db";
import type { CustomerSession } from "../../../lib/auth/session";
import { handleConsentCallback, startAdminConsent } from "../../../lib/onboarding/admin-consent";
import { completeCustomerSignIn, startCustomerSignIn } from "../../../lib/onboarding/customer-sign-in";
import { createCustomerInvite } from "../../../lib/onboarding/create-customer-invite";
import { browserSignIn, grantAdminConsent } from "../../../scripts/lib/emulated-customer";

export const OPERATOR = {
  type: "OPERATOR" as const,
  id: "operator@fabrikamcloud.onmicrosoft.com",
  role: "Operator",
};

export async function newInvite(db: Db, name: string, pinnedTenant?: string) {
  return createCustomerInvite(db, {
    customerName: `${name} ${Math.random().toString(36).slice(2, 8)}`,
    pinnedTenant,
    services: ["STORAGE_ACCOUNT", "COSMOS_DB_ACCOUNT", "DISK_ENCRYPTION_SET", "SQL_SERVER"],
    actor: OPERATOR,
    ttlDays: 14,
  });
}

/** The customer page's sign-in, end to end: server nonce → browser auth code + PKCE → server-side verification. */
export async function signInCustomer(
  db: Db,
  token: string,
  upn: string,
  authorityTenant?: string,
): Promise<CustomerSession> {
  const { pending, msal } = await startCustomerSignIn(db, token);
  const authority = authorityTenant ? `${inject("emulatorUrl")}/${authorityTenant}` : msal.authority;
  const idToken = await browserSignIn({
    emulatorUrl: inject("emulatorUrl"),
    authority,
    clientId: msal.clientId,
    redirectUri: msal.redirectUri,
    nonce: msal.nonce,
    upn,
  });
  return completeCustomerSignIn(db, { idToken, pending });
}

/** Admin consent as the browser does it, then the callback as our route receives it. */
export async function consentAs(
  db: Db,
  session: CustomerSession,
  upn: string,
  decision: "accept" | "cancel" = "accept",
) {
  const url = await startAdminConsent(db, session);
  const back = await grantAdminConsent(url, upn, decision);
  if (typeof back === "string")
    throw new Error(`Entra showed a page instead of returning: ${back.slice(0, 300)}`);
  return {
    outcome: await handleConsentCallback(db, { query: back.searchParams, session, address: "198.51.100.7" }),
    callback: back,
  };
}
