import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CustomerSession } from "../../../lib/auth/session";
import { confirmConsent, handleConsentCallback } from "../../../lib/onboarding/admin-consent";
import { getEnv } from "../../../lib/env";
import { AppError } from "../../../lib/errors";
import { control, TENANTS, userCredential } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { consentAs, newInvite, signInCustomer } from "./onboarding-helpers";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const state = async (id: string) => (await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id } })).state;
const actions = async (id: string) =>
  (await t.db.auditEvent.findMany({ where: { onboardingId: id }, orderBy: { id: "asc" } })).map(
    (e) => e.action,
  );

describe("[sign-in] the customer's admin signs in with their own tenant", () => {
  it("binds the onboarding to the signed-in tenant after verifying the ID token on the server", async () => {
    const { token, onboarding } = await newInvite(t.db, "Litware", TENANTS.litware.domain);
    const session = await signInCustomer(t.db, token, "admin@litware.onmicrosoft.com");
    expect(session).toMatchObject({
      onboardingId: onboarding.id,
      tid: TENANTS.litware.id,
      upn: "admin@litware.onmicrosoft.com",
    });
    const row = await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboarding.id } });
    expect(row).toMatchObject({
      state: "SIGNED_IN",
      tenantId: TENANTS.litware.id,
      signedInUserUpn: "admin@litware.onmicrosoft.com",
    });
  });

  it("stops an admin of another tenant when the invite is pinned, and records the refusal", async () => {
    const { token, onboarding } = await newInvite(t.db, "Pinned", TENANTS.contoso.domain);
    // The page sends a pinned invite to the pinned tenant's sign-in; a browser that goes to /organizations instead is caught on the server.
    const error = await signInCustomer(
      t.db,
      token,
      "admin@woodgrovebank.onmicrosoft.com",
      "organizations",
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(
      /This invite is for the organization contoso\.onmicrosoft\.com/,
    );
    expect(await state(onboarding.id)).toBe("INVITED");
    expect(await actions(onboarding.id)).toEqual(["invite.created", "customer.sign_in_refused"]);
  });

  it("refuses a replayed ID token: its nonce belongs to an earlier sign-in", async () => {
    const { token } = await newInvite(t.db, "Replay");
    const { startCustomerSignIn, completeCustomerSignIn } =
      await import("../../../lib/onboarding/customer-sign-in");
    const first = await startCustomerSignIn(t.db, token);
    const { browserSignIn } = await import("../../../scripts/lib/emulated-customer");
    const { inject } = await import("vitest");
    const idToken = await browserSignIn({
      emulatorUrl: inject("emulatorUrl"),
      authority: first.msal.authority,
      clientId: first.msal.clientId,
      redirectUri: first.msal.redirectUri,
      nonce: first.msal.nonce,
      upn: "admin@adatum.onmicrosoft.com",
    });
    const second = await startCustomerSignIn(t.db, token);
    await expect(completeCustomerSignIn(t.db, { idToken, pending: second.pending })).rejects.toThrow(
      /could not be verified/,
    );
    await expect(
      completeCustomerSignIn(t.db, { idToken: `${idToken.slice(0, -4)}AAAA`, pending: first.pending }),
    ).rejects.toThrow(/could not be verified/);
  });
});

describe("[security] one unpinned link, two organizations at once", () => {
  it("the first tenant to sign in binds the onboarding; one that read it unbound just before is refused", async () => {
    const { browserSignIn } = await import("../../../scripts/lib/emulated-customer");
    const { completeCustomerSignIn, startCustomerSignIn } =
      await import("../../../lib/onboarding/customer-sign-in");
    const { token, onboarding } = await newInvite(t.db, "Race");
    const tokenFor = async (upn: string) => {
      const { pending, msal } = await startCustomerSignIn(t.db, token);
      const idToken = await browserSignIn({ emulatorUrl: inject("emulatorUrl"), ...msal, upn });
      return { idToken, pending };
    };
    const litware = await tokenFor("admin@litware.onmicrosoft.com");
    const adatum = await tokenFor("admin@adatum.onmicrosoft.com");
    // Adatum's sign-in has read the onboarding (still unbound) and is about to record itself when Litware's
    // completes: the interleaving two people on one link produce, made certain by holding Adatum's transaction.
    let atTransaction!: () => void;
    const reached = new Promise<void>((resolve) => (atTransaction = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = new Proxy(t.db, {
      get(target, property) {
        if (property === "$transaction")
          return async (...args: Parameters<typeof target.$transaction>) => {
            atTransaction();
            await released;
            return target.$transaction(...args);
          };
        const value = Reflect.get(target, property) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const late = completeCustomerSignIn(held, adatum).then(
      () => null,
      (error: unknown) => error,
    );
    await reached;
    const first = await completeCustomerSignIn(t.db, litware);
    release();
    const refused = await late;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("FORBIDDEN");
    const row = await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboarding.id } });
    expect(row.tenantId).toBe(first.tid);
  });
});

describe("[consent] admin consent, proved by a token and never by the callback", () => {
  it("a real admin's consent moves the onboarding to consented with the service principal's object ID", async () => {
    const { token, onboarding } = await newInvite(t.db, "Woodgrove");
    const session = await signInCustomer(t.db, token, "admin@woodgrovebank.onmicrosoft.com");
    const { outcome, callback } = await consentAs(t.db, session, "admin@woodgrovebank.onmicrosoft.com");
    expect(callback.searchParams.get("admin_consent")).toBe("True");
    expect(outcome.kind).toBe("consented");
    const row = await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboarding.id } });
    expect(row.state).toBe("CONSENTED");
    expect(row.servicePrincipalObjectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.kind === "consented" && outcome.servicePrincipalObjectId).toBe(
      row.servicePrincipalObjectId,
    );
    expect(await actions(onboarding.id)).toEqual(["invite.created", "customer.signed_in", "consent.granted"]);

    // The same callback again: the state was spent by the first use.
    const replay = await handleConsentCallback(t.db, {
      query: callback.searchParams,
      session,
      address: "203.0.113.1",
    });
    expect(replay).toEqual({ kind: "rejected", reason: "replayed_state" });
  });

  it("consent granted again after the service principal was deleted records the new one, not a cached token's", async () => {
    const admin = "admin@litware.onmicrosoft.com";
    const consentFor = async (name: string) => {
      const { token, onboarding } = await newInvite(t.db, name);
      const { outcome } = await consentAs(t.db, await signInCustomer(t.db, token, admin), admin);
      expect(outcome.kind).toBe("consented");
      return (await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboarding.id } }))
        .servicePrincipalObjectId!;
    };
    const first = await consentFor("Litware first");
    // The customer removes the app (its service principal) and later consents again: a new object ID.
    const graph = (await userCredential(inject("emulatorUrl"), TENANTS.litware.id, admin).getToken(
      "https://graph.microsoft.com/.default",
    ))!.token;
    const removed = await fetch(`${inject("emulatorUrl")}/graph/v1.0/servicePrincipals/${first}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${graph}` },
    });
    expect(removed.status).toBe(204);
    const second = await consentFor("Litware second");
    expect(second).not.toBe(first);
    const now = await fetch(`${inject("emulatorUrl")}/graph/v1.0/servicePrincipals/${second}`, {
      headers: { authorization: `Bearer ${graph}` },
    });
    expect(now.status).toBe(200);
  });

  it("a cancelled consent changes nothing and says so", async () => {
    const { token, onboarding } = await newInvite(t.db, "Cancel");
    const session = await signInCustomer(t.db, token, "admin@adatum.onmicrosoft.com");
    const { outcome } = await consentAs(t.db, session, "admin@adatum.onmicrosoft.com", "cancel");
    expect(outcome).toMatchObject({ kind: "declined", reason: "cancelled" });
    expect(await state(onboarding.id)).toBe("SIGNED_IN");
  });

  it("a non-admin is told to ask an administrator, and nothing changes", async () => {
    const { token, onboarding } = await newInvite(t.db, "NonAdmin");
    const session = await signInCustomer(t.db, token, "dev@adatum.onmicrosoft.com");
    const { outcome } = await consentAs(t.db, session, "dev@adatum.onmicrosoft.com");
    expect(outcome).toMatchObject({ kind: "declined", reason: "not_admin" });
    expect(await state(onboarding.id)).toBe("SIGNED_IN");
  });

  it("forged callbacks — unknown state, no session, another session, another tenant — are audited and change nothing", async () => {
    const { token, onboarding } = await newInvite(t.db, "Forged");
    const session = await signInCustomer(t.db, token, "admin@adatum.onmicrosoft.com");
    const ok = (state: string, tenant: string = TENANTS.adatum.id) =>
      new URLSearchParams({ admin_consent: "True", tenant, state });

    expect(
      await handleConsentCallback(t.db, { query: ok("made-up-state"), session, address: "203.0.113.2" }),
    ).toEqual({
      kind: "rejected",
      reason: "unknown_state",
    });

    const { startAdminConsent } = await import("../../../lib/onboarding/admin-consent");
    const stateOf = async () => new URL(await startAdminConsent(t.db, session)).searchParams.get("state")!;
    expect(
      await handleConsentCallback(t.db, {
        query: ok(await stateOf()),
        session: null,
        address: "203.0.113.3",
      }),
    ).toEqual({
      kind: "rejected",
      reason: "session_mismatch",
    });
    const stranger: CustomerSession = { ...session, sid: "someone-else" };
    expect(
      await handleConsentCallback(t.db, {
        query: ok(await stateOf()),
        session: stranger,
        address: "203.0.113.4",
      }),
    ).toEqual({
      kind: "rejected",
      reason: "session_mismatch",
    });
    expect(
      await handleConsentCallback(t.db, {
        query: ok(await stateOf(), TENANTS.contoso.id),
        session,
        address: "203.0.113.5",
      }),
    ).toEqual({ kind: "rejected", reason: "tenant_mismatch" });

    expect(await state(onboarding.id)).toBe("SIGNED_IN");
    const rejected = await t.db.auditEvent.findMany({
      where: { action: "consent.callback_rejected", outcome: "denied" },
    });
    expect(rejected.map((e) => (e.details as { reason: string }).reason)).toEqual(
      expect.arrayContaining(["unknown_state", "session_mismatch", "tenant_mismatch"]),
    );
  });

  it("[security] only the owning session spends a consent state; a flood of forged callbacks is one audit event", async () => {
    const { startAdminConsent } = await import("../../../lib/onboarding/admin-consent");
    const { grantAdminConsent } = await import("../../../scripts/lib/emulated-customer");
    const { token, onboarding } = await newInvite(t.db, "Owner");
    const session = await signInCustomer(t.db, token, "admin@litware.onmicrosoft.com");
    const back = await grantAdminConsent(
      await startAdminConsent(t.db, session),
      "admin@litware.onmicrosoft.com",
    );
    if (typeof back === "string") throw new Error(back);
    // The genuine callback, opened first in a browser without the customer's cookie: refused, state unspent.
    expect(
      await handleConsentCallback(t.db, { query: back.searchParams, session: null, address: "192.0.2.50" }),
    ).toEqual({ kind: "rejected", reason: "session_mismatch" });
    const outcome = await handleConsentCallback(t.db, {
      query: back.searchParams,
      session,
      address: "192.0.2.51",
    });
    expect(outcome.kind).toBe("consented");
    expect(await state(onboarding.id)).toBe("CONSENTED");

    const rejectedEvents = () => t.db.auditEvent.count({ where: { action: "consent.callback_rejected" } });
    const before = await rejectedEvents();
    for (let i = 0; i < 12; i++) {
      const forged = new URLSearchParams({ state: `forged-${i}`, tenant: TENANTS.litware.id });
      expect(
        await handleConsentCallback(t.db, { query: forged, session: null, address: "192.0.2.99" }),
      ).toEqual({ kind: "rejected", reason: "unknown_state" });
    }
    // One event per address and minute (two if the loop crossed a minute boundary), not one per request.
    const recorded = (await rejectedEvents()) - before;
    expect(recorded).toBeGreaterThanOrEqual(1);
    expect(recorded).toBeLessThanOrEqual(2);
  });

  it("waits while Entra still refuses the new service principal (AADSTS700016), and proves consent once it is visible", async () => {
    const emulatorUrl = inject("emulatorUrl");
    const admin = "admin@contoso.onmicrosoft.com";
    // Start from a tenant without the app, so the consent below creates its service principal; end that way too,
    // so the files that follow consent afresh (the SP made here keeps its propagation delay).
    const graph = (await userCredential(emulatorUrl, TENANTS.contoso.id, admin).getToken(
      "https://graph.microsoft.com/.default",
    ))!.token;
    const removeServicePrincipal = async () => {
      const existing = await fetch(
        `${emulatorUrl}/graph/v1.0/servicePrincipals?$filter=appId eq '${getEnv().CMK_APP_CLIENT_ID}'`,
        { headers: { authorization: `Bearer ${graph}` } },
      );
      for (const sp of ((await existing.json()) as { value: { id: string }[] }).value)
        await fetch(`${emulatorUrl}/graph/v1.0/servicePrincipals/${sp.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${graph}` },
        });
    };
    await removeServicePrincipal();
    const { token, onboarding } = await newInvite(t.db, "Propagation");
    const session = await signInCustomer(t.db, token, admin);
    await control(emulatorUrl, "settings", { consentPropagationSeconds: 120 }, "PATCH");
    let advanced = 0;
    try {
      // Longer than the product waits: consent is granted but not yet provable; nothing moves.
      const { outcome } = await consentAs(t.db, session, admin);
      expect(outcome.kind).toBe("not_yet_visible");
      expect(await state(onboarding.id)).toBe("SIGNED_IN");
      const refused = await t.db.auditEvent.findFirstOrThrow({
        where: { onboardingId: onboarding.id, action: "consent.not_proved" },
      });
      expect((refused.details as { azureCode: string }).azureCode).toBe("AADSTS700016");
      // Entra catches up; the customer's retry proves it.
      await control(emulatorUrl, "clock/advance", { seconds: 121 });
      advanced = 121;
      expect((await confirmConsent(t.db, { session })).kind).toBe("consented");
      expect(await state(onboarding.id)).toBe("CONSENTED");
    } finally {
      await control(emulatorUrl, "settings", { consentPropagationSeconds: 0 }, "PATCH");
      // The emulator is shared by the files that follow: its clock goes back to wall time (ID tokens carry nbf).
      if (advanced) await control(emulatorUrl, "clock/advance", { seconds: -advanced });
      await removeServicePrincipal();
    }
  });
});
