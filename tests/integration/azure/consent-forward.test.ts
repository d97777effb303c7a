import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CustomerSession } from "../../../lib/auth/session";
import { handleConsentCallback, startAdminConsent } from "../../../lib/onboarding/admin-consent";
import {
  createConsentForward,
  openConsentForward,
  startForwardedConsent,
  type ForwardBrowser,
} from "../../../lib/onboarding/forward-consent";
import { reissueInvite, revokeInvite } from "../../../lib/onboarding/manage-invite";
import { proveConsent } from "../../../lib/onboarding/prove-consent";
import { AppError } from "../../../lib/errors";
import { grantAdminConsent, TENANTS, userCredential } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { consentAs, newInvite, OPERATOR, signInCustomer } from "./onboarding-helpers";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
const TENANT = TENANTS.adatum;
const ADMIN = `admin@${TENANT.domain}`;
const DEV = `dev@${TENANT.domain}`;

beforeAll(async () => {
  t = await createTestDatabase();
  // Start from a tenant where the app is not installed, so consent below is what installs it.
  const existing = await proveConsent(TENANT.id);
  if (existing.ok) {
    const graph = (await userCredential(inject("emulatorUrl"), TENANT.id, ADMIN).getToken(
      "https://graph.microsoft.com/.default",
    ))!.token;
    const removed = await fetch(
      `${inject("emulatorUrl")}/graph/v1.0/servicePrincipals/${existing.servicePrincipalObjectId}`,
      { method: "DELETE", headers: { authorization: `Bearer ${graph}` } },
    );
    expect(removed.status).toBe(204);
  }
}, 60_000);
afterAll(() => t.drop());

const onboardingOf = (id: string) => t.db.tenantOnboarding.findUniqueOrThrow({ where: { id } });
const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1)!;

/** A non-admin signed in, tried consent and was told to ask an admin: the starting point of every case. */
async function nonAdminOnboarding(name: string) {
  const { token, onboarding } = await newInvite(t.db, name);
  const session = await signInCustomer(t.db, token, DEV);
  const { outcome } = await consentAs(t.db, session, DEV);
  expect(outcome).toMatchObject({ kind: "declined", reason: "not_admin" });
  return { inviteToken: token, onboarding, session };
}

/** The admin opens the forwarded link and goes through Microsoft's consent; returns the callback's query. */
async function adminGrants(forwardToken: string, upn = ADMIN, tenantInUrl?: string) {
  const { url, browser } = await startForwardedConsent(t.db, forwardToken);
  const consentUrl = tenantInUrl ? url.replace(TENANT.id, tenantInUrl) : url;
  const back = await grantAdminConsent(consentUrl, upn);
  if (typeof back === "string") throw new Error(`Entra showed a page: ${back.slice(0, 200)}`);
  return { query: back.searchParams, browser, consentUrl: url };
}

describe("[consent] a non-admin forwards the consent request to their tenant's admin", () => {
  it("the admin who opens it grants consent, and the onboarding ends consented, proved by a token", async () => {
    const { onboarding, session } = await nonAdminOnboarding("Forwarded");
    const notYet = await proveConsent(TENANT.id);
    expect(notYet.ok).toBe(false);

    const { url } = await createConsentForward(t.db, session);
    expect(url).toMatch(/\/onboard\/consent-request\/[A-Za-z0-9_-]{43}$/);
    const forwardToken = tokenOf(url);
    expect((await openConsentForward(t.db, forwardToken)).view).toMatchObject({
      status: "open",
      requestedBy: DEV,
      tenantId: TENANT.id,
    });

    const { query, browser, consentUrl } = await adminGrants(forwardToken);
    // Microsoft's consent page for the requester's tenant only.
    expect(new URL(consentUrl).pathname).toBe(`/${TENANT.id}/v2.0/adminconsent`);
    const outcome = await handleConsentCallback(t.db, {
      query,
      session: null,
      forward: browser,
      address: "198.51.100.20",
    });
    expect(outcome).toMatchObject({ kind: "consented", page: `/onboard/consent-request/${forwardToken}` });

    const proof = await proveConsent(TENANT.id);
    expect(proof.ok).toBe(true);
    const row = await onboardingOf(onboarding.id);
    expect(row.state).toBe("CONSENTED");
    expect(row.servicePrincipalObjectId).toBe(proof.ok && proof.servicePrincipalObjectId);
    const events = await t.db.auditEvent.findMany({
      where: { onboardingId: onboarding.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual([
      "invite.created",
      "customer.signed_in",
      "consent.declined",
      "consent.forwarded",
      "consent.granted",
    ]);
    expect(events.at(-1)!.details).toMatchObject({ provedBy: "token in customer tenant", requestedBy: DEV });

    // Spent: the page now says it is done, and it cannot start another consent.
    expect((await openConsentForward(t.db, forwardToken)).view.status).toBe("granted");
    await expect(startForwardedConsent(t.db, forwardToken)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createConsentForward(t.db, session)).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("[security] forwarded consent requests", () => {
  const replay = (
    query: URLSearchParams,
    who: { session?: CustomerSession | null; forward?: ForwardBrowser | null },
    // Rejections are audited once per address and minute: a fresh address when a test reads that event.
    address = "198.51.100.21",
  ) =>
    handleConsentCallback(t.db, {
      query,
      session: who.session ?? null,
      forward: who.forward ?? null,
      address,
    });

  it("only the admin's browser that started it spends its state; the requester's own states stay theirs", async () => {
    const { onboarding, session } = await nonAdminOnboarding("Browsers");
    // The requester has a consent round trip of their own under way.
    const ownState = new URL(await startAdminConsent(t.db, session)).searchParams.get("state")!;
    const forwardToken = tokenOf((await createConsentForward(t.db, session)).url);
    const { query, browser } = await adminGrants(forwardToken);

    // The admin's callback opened without their cookie, in the requester's browser, or by someone who opened
    // the same link in another browser: refused, nothing spent.
    expect(await replay(query, {})).toEqual({ kind: "rejected", reason: "session_mismatch" });
    expect(await replay(query, { session })).toEqual({ kind: "rejected", reason: "session_mismatch" });
    const elsewhere = (await startForwardedConsent(t.db, forwardToken)).browser;
    expect(await replay(query, { forward: elsewhere })).toEqual({
      kind: "rejected",
      reason: "session_mismatch",
    });
    // The requester's own state presented in the admin's browser: refused, and still unspent.
    const own = new URLSearchParams({ admin_consent: "True", tenant: TENANT.id, state: ownState });
    expect(await replay(own, { forward: browser })).toEqual({ kind: "rejected", reason: "session_mismatch" });
    expect((await onboardingOf(onboarding.id)).state).toBe("SIGNED_IN");
    const unspent = await t.db.consentRequest.count({ where: { onboardingId: onboarding.id, usedAt: null } });
    expect(unspent).toBe(3); // the requester's own, and the admin's two starts

    expect(await replay(query, { forward: browser })).toMatchObject({ kind: "consented" });
    expect(await replay(query, { forward: browser })).toEqual({ kind: "rejected", reason: "replayed_state" });
    // The requester's own round trip is still theirs to finish (here: consent already holds).
    expect(
      await t.db.consentRequest.findUniqueOrThrow({
        where: { stateHash: (await import("../../../lib/auth/invite-token")).hashToken(ownState) },
      }),
    ).toMatchObject({ usedAt: null });
  });

  it("a stranger who gets the link cannot bind another tenant: the tenant is the requester's", async () => {
    const { onboarding, session } = await nonAdminOnboarding("Stranger");
    const forwardToken = tokenOf((await createConsentForward(t.db, session)).url);
    // Contoso's admin edits the tenant in Microsoft's URL and consents in their own tenant.
    const { query, browser } = await adminGrants(
      forwardToken,
      `admin@${TENANTS.contoso.domain}`,
      TENANTS.contoso.id,
    );
    expect(query.get("tenant")).toBe(TENANTS.contoso.id);
    expect(await replay(query, { forward: browser }, "198.51.100.22")).toEqual({
      kind: "rejected",
      reason: "tenant_mismatch",
    });
    const row = await onboardingOf(onboarding.id);
    expect(row).toMatchObject({ state: "SIGNED_IN", tenantId: TENANT.id, servicePrincipalObjectId: null });
    const rejected = await t.db.auditEvent.findFirst({
      where: { onboardingId: onboarding.id, action: "consent.callback_rejected" },
    });
    expect(rejected?.details).toMatchObject({ reason: "tenant_mismatch", tenant: TENANTS.contoso.id });
  });

  it("stops working when replaced, when the invite is re-issued or revoked, and says nothing of unknown links", async () => {
    const { onboarding, session } = await nonAdminOnboarding("Closing");
    const first = tokenOf((await createConsentForward(t.db, session)).url);
    // Started by the admin before it was replaced: the callback that arrives afterwards is refused too.
    const started = await adminGrants(first);
    const second = tokenOf((await createConsentForward(t.db, session)).url);
    expect((await openConsentForward(t.db, first)).view.status).toBe("closed");
    await expect(startForwardedConsent(t.db, first)).rejects.toMatchObject({ code: "INVITE_UNUSABLE" });
    expect(await replay(started.query, { forward: started.browser })).toEqual({
      kind: "rejected",
      reason: "forward_closed",
    });

    expect((await openConsentForward(t.db, second)).view.status).toBe("open");
    await reissueInvite(t.db, { inviteId: onboarding.inviteId, actor: OPERATOR, ttlDays: 14 });
    expect((await openConsentForward(t.db, second)).view.status).toBe("closed");

    const other = await nonAdminOnboarding("Revoked");
    const third = tokenOf((await createConsentForward(t.db, other.session)).url);
    await revokeInvite(t.db, { inviteId: other.onboarding.inviteId, actor: OPERATOR });
    expect((await openConsentForward(t.db, third)).view.status).toBe("closed");
    await expect(startForwardedConsent(t.db, third)).rejects.toMatchObject({ code: "INVITE_UNUSABLE" });

    for (const unknown of ["x".repeat(43), "short", second.replace(/.$/, second.endsWith("A") ? "B" : "A")]) {
      const error = await openConsentForward(t.db, unknown).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "NOT_FOUND", options: { details: { miss: true } } });
    }
    expect((await onboardingOf(onboarding.id)).state).toBe("SIGNED_IN");
  });
});
