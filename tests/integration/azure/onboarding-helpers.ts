import { inject } from "vitest";
import type { Db } from "../../../lib/db/create-db";
import type { CustomerSession } from "../../../lib/auth/session";
import { handleConsentCallback, startAdminConsent } from "../../../lib/onboarding/admin-consent";
import { completeCustomerSignIn, startCustomerSignIn } from "../../../lib/onboarding/customer-sign-in";
import { createCustomerInvite } from "../../../lib/onboarding/create-customer-invite";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { seedOnboardedCustomer } from "../../../prisma/seed/factories";
import {
  browserSignIn,
  grantAdminConsent,
  installApp,
  runCustomerScript,
  TENANTS,
} from "../../../scripts/lib/emulated-customer";

/** The multi-tenant CMK app of the demo world (emulator/world/demo.json). */
const CMK_APP_ID = "22222222-2222-4222-8222-222222222222";

export const OPERATOR = {
  type: "OPERATOR" as const,
  id: "operator@fabrikamcloud.onmicrosoft.com",
  role: "Operator",
};

/** The ISV's staff in the demo world, by role, as operations tests act. */
export const STAFF = {
  operator: OPERATOR,
  admin: { type: "OPERATOR" as const, id: "ops-admin@fabrikamcloud.onmicrosoft.com", role: "Admin" },
  admin2: { type: "OPERATOR" as const, id: "sec-admin@fabrikamcloud.onmicrosoft.com", role: "Admin" },
  support: { type: "OPERATOR" as const, id: "support@fabrikamcloud.onmicrosoft.com", role: "Support" },
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

/**
 * A customer of the demo world onboarded the short way for operations tests: the app installed in its tenant,
 * its script run (vault, key, role), the customer seeded with that key, and the key verified live.
 */
export async function onboardedCustomer(db: Db, which: "contoso" | "woodgrove", vaultName: string) {
  const tenant = TENANTS[which];
  const adminUpn = `admin@${tenant.domain}`;
  const spObjectId = await installApp(inject("emulatorUrl"), tenant.id, adminUpn, CMK_APP_ID);
  const script = await runCustomerScript({
    emulatorUrl: inject("emulatorUrl"),
    tenant,
    adminUpn,
    spObjectId,
    vaultName,
    keyName: "cmk",
  });
  const seeded = await seedOnboardedCustomer(db, {
    name: `${which} ${vaultName}`,
    tenantId: tenant.id,
    adminUpn,
    spObjectId,
    keyUri: script.versionlessUri,
    vaultHost: `${vaultName}.vault.azure.net`,
    keyName: "cmk",
  });
  const verified = await runKeyVerification(db, { keyId: seeded.key.id });
  if (verified.result?.outcome !== "verified") throw new Error(`${which}'s key did not verify`);
  return { id: seeded.customer.id, name: seeded.customer.name, keyId: seeded.key.id, keys: script.keys };
}
