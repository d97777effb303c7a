import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomerInvite } from "../../lib/onboarding/create-customer-invite";
import { reissueInvite, revokeInvite } from "../../lib/onboarding/manage-invite";
import { openInvite } from "../../lib/onboarding/open-invite";
import { getCustomerView } from "../../lib/onboarding/get-customer-view";
import { transitionOnboarding } from "../../lib/onboarding/state-machine";
import type { CustomerSession } from "../../lib/auth/session";
import { AppError } from "../../lib/errors";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const operator = {
  type: "OPERATOR" as const,
  id: "operator@fabrikamcloud.onmicrosoft.com",
  role: "Operator",
};

async function invite(name: string, extra: Partial<Parameters<typeof createCustomerInvite>[1]> = {}) {
  return createCustomerInvite(t.db, {
    customerName: name,
    services: ["STORAGE_ACCOUNT"],
    actor: operator,
    ttlDays: 14,
    ...extra,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe("[invites] creating, opening, revoking and re-issuing invite links", () => {
  it("stores only the token's hash and records who created the invite", async () => {
    const created = await invite("Tailspin Toys");
    const row = await t.db.invite.findUniqueOrThrow({ where: { id: created.invite.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token);
    const events = await t.db.auditEvent.findMany({ where: { onboardingId: created.onboarding.id } });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([["invite.created", operator.id]]);
    expect((await openInvite(t.db, created.token)).customer.name).toBe("Tailspin Toys");
  });

  it("refuses a second customer with the same name and changes nothing", async () => {
    await invite("Northwind Traders");
    const before = await t.db.auditEvent.count();
    expect(await codeOf(invite("northwind traders"))).toBe("CONFLICT");
    expect(await t.db.auditEvent.count()).toBe(before);
    // Found before any INSERT, and named as the form's field rather than as a database error.
    const error = await invite("NORTHWIND TRADERS").catch((e: unknown) => e);
    expect((error as AppError).options.details).toEqual({ field: "customerName" });
  });

  it("tells expired, revoked, unknown and malformed links apart", async () => {
    const expired = await invite("Fourth Coffee", { ttlDays: 1 });
    await t.db.invite.update({
      where: { id: expired.invite.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(openInvite(t.db, expired.token)).rejects.toThrow(/expired/);

    const revoked = await invite("Proseware");
    await revokeInvite(t.db, { inviteId: revoked.invite.id, actor: operator });
    await expect(openInvite(t.db, revoked.token)).rejects.toThrow(/revoked/);
    expect(await codeOf(revokeInvite(t.db, { inviteId: revoked.invite.id, actor: operator }))).toBe(
      "CONFLICT",
    );

    expect(await codeOf(openInvite(t.db, "A".repeat(43)))).toBe("NOT_FOUND");
    expect(await codeOf(openInvite(t.db, "not-a-token"))).toBe("NOT_FOUND");
  });

  it("re-issuing replaces the link: the old one stops working, the onboarding keeps its place", async () => {
    const first = await invite("Wingtip Toys");
    await t.db.$transaction((tx) =>
      transitionOnboarding(tx, {
        onboardingId: first.onboarding.id,
        to: "SIGNED_IN",
        actor: { type: "CUSTOMER", id: "admin@wingtip" },
        action: "customer.signed_in",
      }),
    );
    await revokeInvite(t.db, { inviteId: first.invite.id, actor: operator });
    const { token } = await reissueInvite(t.db, { inviteId: first.invite.id, actor: operator, ttlDays: 7 });
    expect(await codeOf(openInvite(t.db, first.token))).toBe("NOT_FOUND");
    const reopened = await openInvite(t.db, token);
    expect(reopened.onboarding.id).toBe(first.onboarding.id);
    expect(reopened.onboarding.state).toBe("SIGNED_IN");
    const actions = (
      await t.db.auditEvent.findMany({ where: { onboardingId: first.onboarding.id }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["invite.created", "customer.signed_in", "invite.revoked", "invite.reissued"]);
  });
});

describe("[isolation] a customer's session only ever shows its own onboarding", () => {
  it("customer A's session opening B's link sees only what the link itself reveals", async () => {
    const a = await invite("Alpine Ski House");
    const b = await invite("Blue Yonder Airlines");
    await t.db.tenantOnboarding.update({
      where: { id: b.onboarding.id },
      data: {
        tenantId: "c0000000-0000-4000-8000-00000000c002",
        servicePrincipalObjectId: "0f0f0f0f-0000-4000-8000-000000000000",
      },
    });
    const sessionA: CustomerSession = {
      sid: "s",
      onboardingId: a.onboarding.id,
      inviteToken: a.token,
      tid: "c0000000-0000-4000-8000-00000000c001",
      oid: "o",
      upn: "admin@alpine",
      name: "A",
    };
    const mine = await getCustomerView(t.db, a.token, sessionA);
    expect(mine.signedIn).toBe(true);
    const theirs = await getCustomerView(t.db, b.token, sessionA);
    expect(theirs.signedIn).toBe(false);
    expect(JSON.stringify(theirs)).not.toContain("0f0f0f0f");
    expect(Object.keys(theirs).sort()).toEqual([
      "customerName",
      "expiresAt",
      "pinnedTenant",
      "services",
      "signedIn",
      "state",
    ]);
  });

  it("a transition guarded by tenant refuses a session from another tenant", async () => {
    const c = await invite("Coho Winery");
    await t.db.tenantOnboarding.update({
      where: { id: c.onboarding.id },
      data: { tenantId: "c0000000-0000-4000-8000-00000000c003", state: "SIGNED_IN" },
    });
    const attempt = t.db.$transaction((tx) =>
      transitionOnboarding(tx, {
        onboardingId: c.onboarding.id,
        where: { tenantId: "c0000000-0000-4000-8000-00000000c001" },
        to: "CONSENTED",
        actor: { type: "CUSTOMER", id: "intruder" },
        action: "consent.granted",
      }),
    );
    expect(await codeOf(attempt)).toBe("NOT_FOUND");
    expect((await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: c.onboarding.id } })).state).toBe(
      "SIGNED_IN",
    );
  });
});
