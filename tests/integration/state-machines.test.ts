import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { transitionOnboarding } from "../../lib/onboarding/state-machine";
import { canMoveResource, setResourceState } from "../../lib/resources/resource-state";
import type { CmkState } from "../../lib/generated/prisma/enums";
import { seedCustomerInvite, seedIsvResource } from "../../prisma/seed/factories";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const actor = { type: "OPERATOR" as const, id: "operator@fabrikamcloud.onmicrosoft.com", role: "Operator" };
let seq = 0;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("[onboarding] transitions in the database", () => {
  const onboarding = async () => (await seedCustomerInvite(t.db, { name: `State ${++seq}` })).onboarding;

  it("moves the state, stamps the change, stores the data and records one audit event with from, to and details", async () => {
    const { id, stateChangedAt } = await onboarding();
    const moved = await t.db.$transaction((tx) =>
      transitionOnboarding(tx, {
        onboardingId: id,
        to: "SIGNED_IN",
        actor,
        action: "onboarding.signed_in",
        data: { signedInUserUpn: "admin@contoso.onmicrosoft.com" },
        details: { upn: "admin@contoso.onmicrosoft.com" },
        requestId: "req-1",
      }),
    );
    expect(moved).toMatchObject({ id, state: "SIGNED_IN", signedInUserUpn: "admin@contoso.onmicrosoft.com" });
    expect(moved.stateChangedAt.getTime()).toBeGreaterThan(stateChangedAt.getTime());
    const events = await t.db.auditEvent.findMany({
      where: { onboardingId: id, action: "onboarding.signed_in" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: "OPERATOR",
      actorId: actor.id,
      targetType: "onboarding",
      targetId: id,
      requestId: "req-1",
      outcome: "success",
    });
    expect(events[0]!.customerId).toBe(moved.customerId);
    expect(events[0]!.details).toEqual({
      from: "INVITED",
      to: "SIGNED_IN",
      upn: "admin@contoso.onmicrosoft.com",
    });
  });

  it("details that are not an object are left out; from and to are always there", async () => {
    const { id } = await onboarding();
    await t.db.$transaction((tx) =>
      transitionOnboarding(tx, { onboardingId: id, to: "REVOKED", actor, action: "t.list", details: ["x"] }),
    );
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { onboardingId: id, action: "t.list" } });
    expect(event.details).toEqual({ from: "INVITED", to: "REVOKED" });
  });

  it("refuses a move the table does not allow, says where the onboarding is, and changes nothing", async () => {
    const { id } = await onboarding();
    const before = await t.db.auditEvent.count({ where: { onboardingId: id } });
    const error = await refusal(
      t.db.$transaction((tx) =>
        transitionOnboarding(tx, {
          onboardingId: id,
          to: "CONSENTED",
          actor,
          action: "onboarding.consented",
        }),
      ),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("This step is not possible now: the onboarding is invited.");
    expect((await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id } })).state).toBe("INVITED");
    expect(await t.db.auditEvent.count({ where: { onboardingId: id } })).toBe(before);
  });

  it("an unknown onboarding, or one outside the caller's tenant guard, is not found", async () => {
    const { id } = await onboarding();
    const missing = await refusal(
      t.db.$transaction((tx) =>
        transitionOnboarding(tx, {
          onboardingId: "00000000-0000-4000-8000-000000000000",
          to: "SIGNED_IN",
          actor,
          action: "x",
        }),
      ),
    );
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: "This onboarding does not exist." });
    const guarded = await refusal(
      t.db.$transaction((tx) =>
        transitionOnboarding(tx, {
          onboardingId: id,
          to: "SIGNED_IN",
          actor,
          action: "x",
          where: { tenantId: "c0000000-0000-4000-8000-00000000c999" },
        }),
      ),
    );
    expect(guarded.code).toBe("NOT_FOUND");
    expect((await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id } })).state).toBe("INVITED");
  });

  it("of two moves racing from the same state, the one that commits second is refused and writes nothing", async () => {
    const { id } = await onboarding();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A moves the row and holds its transaction open; B reads the same state and then waits on A's row lock.
    const a = t.db.$transaction(
      async (tx) => {
        await transitionOnboarding(tx, { onboardingId: id, to: "REVOKED", actor, action: "race.a" });
        await gate;
      },
      { timeout: 30_000 },
    );
    const b = t.db.$transaction((tx) =>
      transitionOnboarding(tx, { onboardingId: id, to: "SIGNED_IN", actor, action: "race.b" }),
    );
    const bSettled = b.then(
      () => undefined,
      (e: unknown) => e,
    );
    // Deterministic, not timed: release A only once PostgreSQL shows B blocked on the row.
    for (;;) {
      const [row] = await t.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (row!.n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    await a;
    const error = await bSettled;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "Someone else changed this onboarding at the same moment; reload and try again.",
    });
    expect((await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id } })).state).toBe("REVOKED");
    const events = await t.db.auditEvent.findMany({
      where: { onboardingId: id, action: { startsWith: "race." } },
    });
    expect(events.map((e) => e.action)).toEqual(["race.a"]);
  });
});

describe("[resources] encryption state in the database", () => {
  const resource = async (customerId?: string) =>
    seedIsvResource(t.db, {
      armId: `/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/ststate${++seq}`,
      kind: "STORAGE_ACCOUNT",
      region: "westeurope",
      customerId,
    });

  it("moves the state with its audit event; staying put keeps the time of the last change", async () => {
    const { onboarding } = await seedCustomerInvite(t.db, { name: `Resource owner ${++seq}` });
    const r = await resource(onboarding.customerId);
    const pending = await t.db.$transaction((tx) =>
      setResourceState(tx, {
        resourceId: r.id,
        to: "PENDING",
        actor,
        action: "cmk.apply_requested",
        details: { job: "j1" },
        requestId: "req-r",
      }),
    );
    expect(pending.cmkState).toBe("PENDING");
    expect(pending.cmkStateChangedAt!.getTime()).toBeGreaterThanOrEqual(r.cmkStateChangedAt?.getTime() ?? 0);
    const event = await t.db.auditEvent.findFirstOrThrow({
      where: { targetId: r.armId, action: "cmk.apply_requested" },
    });
    expect(event).toMatchObject({
      targetType: "resource",
      customerId: onboarding.customerId,
      outcome: "success",
      requestId: "req-r",
    });
    expect(event.details).toEqual({ from: "MICROSOFT_MANAGED", to: "PENDING", job: "j1" });

    await t.db.$transaction((tx) =>
      setResourceState(tx, { resourceId: r.id, to: "APPLYING", actor, action: "a" }),
    );
    const applied = await t.db.$transaction((tx) =>
      setResourceState(tx, { resourceId: r.id, to: "APPLIED", actor, action: "b", outcome: "success" }),
    );
    const again = await t.db.$transaction((tx) =>
      setResourceState(tx, {
        resourceId: r.id,
        to: "APPLIED",
        actor,
        action: "c",
        details: ["not", "an", "object"],
      }),
    );
    expect(again.cmkStateChangedAt).toEqual(applied.cmkStateChangedAt);
    const c = await t.db.auditEvent.findFirstOrThrow({ where: { targetId: r.armId, action: "c" } });
    expect(c.details).toEqual({ from: "APPLIED", to: "APPLIED" });
  });

  it("a failure is audited as one; a refused move says from where to where and changes nothing", async () => {
    const r = await resource();
    await t.db.$transaction((tx) =>
      setResourceState(tx, { resourceId: r.id, to: "FAILED", actor, action: "f", outcome: "failure" }),
    );
    expect(
      await t.db.auditEvent.findFirstOrThrow({ where: { targetId: r.armId, action: "f" } }),
    ).toMatchObject({
      outcome: "failure",
    });
    await t.db.$transaction((tx) =>
      setResourceState(tx, { resourceId: r.id, to: "MICROSOFT_MANAGED", actor, action: "g" }),
    );
    const error = await refusal(
      t.db.$transaction((tx) =>
        setResourceState(tx, { resourceId: r.id, to: "REVERTING", actor, action: "h" }),
      ),
    );
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "The resource is microsoft managed; it cannot become reverting from there.",
    });
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: r.id } })).cmkState).toBe(
      "MICROSOFT_MANAGED",
    );
    expect(await t.db.auditEvent.count({ where: { targetId: r.armId, action: "h" } })).toBe(0);
    const missing = await refusal(
      t.db.$transaction((tx) =>
        setResourceState(tx, {
          resourceId: "00000000-0000-4000-8000-000000000000",
          to: "PENDING",
          actor,
          action: "i",
        }),
      ),
    );
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: "This resource is not in the inventory." });
  });
});

describe("[resources] every encryption-state move, allowed and refused", () => {
  const STATES: CmkState[] = [
    "MICROSOFT_MANAGED",
    "PENDING",
    "APPLYING",
    "APPLIED",
    "DRIFTED",
    "FAILED",
    "REVERTING",
  ];
  // Staying in a state is always allowed (a re-check that finds nothing new).
  const ALLOWED: Record<CmkState, CmkState[]> = {
    MICROSOFT_MANAGED: ["PENDING", "APPLIED", "DRIFTED", "FAILED"],
    PENDING: ["APPLYING", "FAILED", "MICROSOFT_MANAGED", "APPLIED"],
    APPLYING: ["APPLIED", "FAILED", "PENDING", "DRIFTED"],
    APPLIED: ["PENDING", "DRIFTED", "REVERTING", "FAILED", "MICROSOFT_MANAGED"],
    DRIFTED: ["PENDING", "APPLIED", "FAILED", "MICROSOFT_MANAGED"],
    FAILED: ["PENDING", "APPLYING", "APPLIED", "DRIFTED", "MICROSOFT_MANAGED"],
    REVERTING: ["MICROSOFT_MANAGED", "FAILED"],
  };
  it.each(STATES)("from %s exactly the promised moves are possible", (from) => {
    expect(STATES.filter((to) => canMoveResource(from, to))).toEqual(
      STATES.filter((to) => to === from || ALLOWED[from].includes(to)),
    );
  });
});
