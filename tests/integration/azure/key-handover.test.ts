import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CustomerSession } from "../../../lib/auth/session";
import { readResource } from "../../../lib/azure/arm";
import { startBoss } from "../../../lib/jobs/boss";
import { runTenantHealthCheck } from "../../../lib/key-health/monitor";
import { getCustomerView } from "../../../lib/onboarding/get-customer-view";
import { isHandoverPending } from "../../../lib/onboarding/handover-status";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { submitCustomerKey } from "../../../lib/onboarding/submit-customer-key";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import {
  revokeInviteAndHandover,
  submitReplacementKey,
  verifyCustomerKey,
} from "../../../lib/operations/key-handover";
import { approveFleetRun, declineFleetRun, findRuns, runFleetBatch } from "../../../lib/operations/fleet-run";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { setKeyHandoverPolicy } from "../../../lib/settings/isv-settings";
import { onboardingSteps } from "../../../app/onboard/_components/steps";
import { seedIsvResource } from "../../../prisma/seed/factories";
import { control, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { armWritesSoFar } from "./emulator-counters";
import { createStorageAccount } from "./isv-resources";
import { consentAs, newInvite, signInCustomer, STAFF } from "./onboarding-helpers";

const { admin, operator, support } = STAFF;
const ADMIN = "admin@contoso.onmicrosoft.com";
const emulatorUrl = () => inject("emulatorUrl");

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let session: CustomerSession;
let token: string;
let inviteId: string;
let spObjectId: string;
let customerId: string;
let firstKeyId: string;
const resourceIds: string[] = [];

/** Each vault's keys as the customer reaches them (to disable one, as a customer might). */
const vaultKeys = new Map<string, Awaited<ReturnType<typeof runCustomerScript>>["keys"]>();

/** A key the customer makes with their script in their own tenant (a vault of its own, the app's role on it). */
async function customerKey(vaultName: string, keyName = "cmk") {
  const made = await runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANTS.contoso,
    adminUpn: ADMIN,
    spObjectId,
    vaultName,
    keyName,
  });
  vaultKeys.set(vaultName, made.keys);
  return made.versionlessUri;
}

async function drive(jobId: string) {
  for (let i = 0; i < 15; i++) {
    const outcome = await runApplyJob(t.db, jobId, { writesPerSecond: 100 });
    if (outcome.kind !== "retry") return outcome.kind;
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
  throw new Error("job never finished");
}

/** What the workers do with a run: its batches and its jobs, until nothing is left. */
async function driveRun(runId: string) {
  for (let i = 0; i < 50; i++) {
    await runFleetBatch(t.db, boss, runId);
    const queued = await t.db.job.findMany({ where: { runId, state: "QUEUED" }, select: { id: true } });
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (queued.length === 0 && run.state !== "RUNNING") return run;
    for (const job of queued) await drive(job.id);
  }
  throw new Error("run never finished");
}

/** Hands over a replacement on the customer's page: stored, then verified at once. */
async function handOver(keyUri: string) {
  const key = await submitReplacementKey(t.db, { session, keyUri });
  const verified = await verifyCustomerKey(t.db, { keyId: key.id, actor: { type: "CUSTOMER", id: ADMIN } });
  return { key, ...verified };
}

const view = async () => {
  const v = await getCustomerView(t.db, token, session);
  if (!v.signedIn) throw new Error("not signed in");
  return v;
};
const doneStep = async () => {
  const v = await view();
  return onboardingSteps(v.state, true, v.key?.status, isHandoverPending(v.handover?.status))[4]?.status;
};

/** The key name each of the customer's Storage accounts really uses, read back from ARM. */
const armKeyNames = () =>
  Promise.all(
    resourceIds.map(async (id) => {
      const r = await t.db.isvResource.findUniqueOrThrow({ where: { id } });
      const body = (await readResource(r.armId, "2025-06-01")) as {
        properties?: {
          encryption?: {
            keySource?: string;
            keyvaultproperties?: { keyvaulturi?: string; keyname?: string };
          };
        };
      };
      const kv = body.properties?.encryption?.keyvaultproperties;
      return `${kv?.keyvaulturi ?? ""}|${kv?.keyname ?? ""}`;
    }),
  );

/** The key in use, the resources and what ARM reads: what must not move when a hand-over does not go ahead. */
async function keysInUse() {
  return {
    active: await t.db.customerKey.findMany({
      where: { customerId, status: "ACTIVE" },
      select: { id: true },
    }),
    resources: await t.db.isvResource.findMany({
      where: { customerId },
      orderBy: { id: "asc" },
      select: { cmkState: true, appliedKeyId: true, appliedKeyVersion: true },
    }),
    arm: await armKeyNames(),
  };
}

/** What must not move when a hand-over is refused or fails: the key in use, the resources, the runs. */
async function snapshot() {
  return { ...(await keysInUse()), runs: await t.db.operationRun.count(), onboarding: (await view()).state };
}

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0, lroSeconds: 1 }, "PATCH");
  const invite = await newInvite(t.db, "Contoso Handover", TENANTS.contoso.domain);
  token = invite.token;
  inviteId = invite.invite.id;
  customerId = invite.customer.id;
  session = await signInCustomer(t.db, invite.token, ADMIN);
  const { outcome } = await consentAs(t.db, session, ADMIN);
  if (outcome.kind !== "consented") throw new Error(`consent failed: ${JSON.stringify(outcome)}`);
  spObjectId = outcome.servicePrincipalObjectId;
  const first = await submitCustomerKey(t.db, { session, keyUri: await customerKey("kv-handover-1") });
  firstKeyId = first.id;
  expect((await runKeyVerification(t.db, { keyId: first.id })).result?.outcome).toBe("verified");
  for (let i = 0; i < 3; i++) {
    const resource = await seedIsvResource(t.db, {
      armId: await createStorageAccount(emulatorUrl(), `sthandover${i}`),
      kind: "STORAGE_ACCOUNT",
      region: "westeurope",
      customerId,
    });
    resourceIds.push(resource.id);
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor: admin });
    expect(await drive(job.id)).toBe("succeeded");
  }
  expect((await view()).state).toBe("APPLIED");
}, 300_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
});

describe("[handover] a customer hands over a replacement key after onboarding", () => {
  it("a replacement that fails verification changes nothing: the key in use, the resources and ARM stay, and the page names the failed check", async () => {
    // The vault exists and the app has its role there, but there is no such key in it.
    await customerKey("kv-handover-2");
    const before = await snapshot();
    const writes = await armWritesSoFar(emulatorUrl());
    const { result, startedRunId } = await handOver("https://kv-handover-2.vault.azure.net/keys/no-such-key");
    expect(result?.outcome).toBe("failed");
    expect(startedRunId).toBeNull();
    expect(await snapshot()).toEqual(before);
    expect(await armWritesSoFar(emulatorUrl())).toBe(writes);
    const { handover } = await view();
    expect(handover?.status).toBe("failed");
    const failed = handover?.key.verification?.hops.find((h) => h.status === "failed");
    expect(failed?.summary).toMatch(/no-such-key/);
    expect(await doneStep()).toBe("done");
  });

  it("a key in a vault of another tenant is refused by verification, and a session of another tenant cannot hand over at all", async () => {
    const before = await snapshot();
    const other = await runCustomerScript({
      emulatorUrl: emulatorUrl(),
      tenant: TENANTS.woodgrove,
      adminUpn: "admin@woodgrovebank.onmicrosoft.com",
      spObjectId,
      vaultName: "kv-handover-woodgrove",
      keyName: "cmk",
      grantRole: false,
    });
    const { result } = await handOver(other.versionlessUri);
    expect(result?.outcome).toBe("failed");
    expect(result?.hops.find((h) => h.id === "vault")?.summary).toMatch(
      new RegExp(`another Microsoft Entra tenant \\(${TENANTS.woodgrove.id}\\)`),
    );
    expect(await snapshot()).toEqual(before);

    // Someone signed in to Woodgrove with a session naming Contoso's onboarding: nothing is found, nothing stored.
    const keys = await t.db.customerKey.count();
    await expect(
      submitReplacementKey(t.db, {
        session: { ...session, tid: TENANTS.woodgrove.id },
        keyUri: other.versionlessUri,
      }),
    ).rejects.toThrow(/another Microsoft Entra tenant than the one you signed in to/);
    expect(await t.db.customerKey.count()).toBe(keys);
    expect(await snapshot()).toEqual(before);
  });

  it("policy 'wait for approval' (the default): verified, it waits for any Admin; the old key stays in use until the run applies the new one; Done only then", async () => {
    const keyUri = await customerKey("kv-handover-3");
    const before = await armKeyNames();
    const { key, result, startedRunId } = await handOver(keyUri);
    expect(result?.outcome).toBe("verified");
    expect(startedRunId).toBeNull();
    const run = await t.db.operationRun.findFirstOrThrow({ where: { targetKeyId: key.id } });
    expect(run).toMatchObject({ state: "AWAITING_APPROVAL", operation: "CHANGE_KEY", requestedBy: ADMIN });
    // Nothing moved: the first key is the one in use, in the database and in ARM.
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: firstKeyId } })).status).toBe("ACTIVE");
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe("PROPOSED");
    expect(await armKeyNames()).toEqual(before);
    const waiting = await view();
    expect(waiting.handover?.status).toBe("awaiting_approval");
    expect(waiting.key?.id).toBe(firstKeyId);
    expect(await doneStep()).toBe("current");

    // Support cannot approve; the customer asked, so any Admin may.
    await expect(
      approveFleetRun(t.db, boss, { runId: run.id, actor: support, roles: ["Support"] }),
    ).rejects.toThrow(/Only an Admin/);
    await approveFleetRun(t.db, boss, { runId: run.id, actor: admin, roles: ["Admin"] });
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe("ACTIVE");
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: firstKeyId } })).status).toBe(
      "SUPERSEDED",
    );
    expect((await view()).handover?.status).toBe("applying");

    expect((await driveRun(run.id)).state).toBe("FINISHED");
    const resources = await t.db.isvResource.findMany({ where: { customerId } });
    expect(resources.map((r) => [r.cmkState, r.appliedKeyId])).toEqual(
      resourceIds.map(() => ["APPLIED", key.id]),
    );
    expect(await armKeyNames()).toEqual(resourceIds.map(() => "https://kv-handover-3.vault.azure.net|cmk"));
    const done = await view();
    expect(done.handover).toMatchObject({ status: "done", resources: { total: 3, onNewKey: 3 } });
    expect(done.encrypted.map((e) => [e.keyName, e.count])).toEqual([["kv-handover-3/cmk", 3]]);
    expect(await doneStep()).toBe("done");

    // The customer's timeline and the console's: hand-over, verification, request, approval, apply.
    const events = await t.db.auditEvent.findMany({
      where: { OR: [{ targetId: key.id }, { targetId: run.id }] },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true },
    });
    expect(events.map((e) => `${e.action} by ${e.actorId}`)).toEqual([
      `key.replacement_submitted by ${ADMIN}`,
      `key.replacement_verified by ${ADMIN}`,
      `run.requested by ${ADMIN}`,
      `key.replacement_accepted by ${admin.id}`,
      `run.running by ${admin.id}`,
      "run.finished by crosskey",
      "key.replacement_applied by crosskey",
    ]);
    // The onboarding's timeline (the console's, and the customer's page) has the hand-over from start to end.
    const timeline = await t.db.auditEvent.findMany({
      where: { onboardingId: key.onboardingId, occurredAt: { gte: key.createdAt } },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(timeline.map((e) => e.action)).toEqual([
      "key.replacement_submitted",
      "key.replacement_verified",
      "run.requested",
      "key.replacement_accepted",
      "key.replacement_applied",
    ]);
    // Newest first, after the two refused ones of the tests before, each withdrawn by the next.
    expect(done.handoverHistory.slice(0, 5).map((e) => e.action)).toEqual(
      [
        "key.replacement_submitted",
        "key.replacement_verified",
        "key.replacement_accepted",
        "key.replacement_applied",
      ]
        .reverse()
        .concat("key.replacement_withdrawn"),
    );
    const applied = await t.db.auditEvent.count({
      where: { customerId, action: "cmk.key_changed", targetId: { in: resources.map((r) => r.armId) } },
    });
    expect(applied).toBe(3);
  });

  it("a second hand-over while one waits for approval withdraws it explicitly; an Admin's decline leaves the key in use", async () => {
    const inUse = await t.db.customerKey.findFirstOrThrow({ where: { customerId, status: "ACTIVE" } });
    const first = await handOver(await customerKey("kv-handover-4"));
    const firstRun = await t.db.operationRun.findFirstOrThrow({ where: { targetKeyId: first.key.id } });
    const second = await handOver(await customerKey("kv-handover-5"));
    expect(await t.db.operationRun.findUniqueOrThrow({ where: { id: firstRun.id } })).toMatchObject({
      state: "DECLINED",
    });
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: first.key.id } })).status).toBe(
      "SUPERSEDED",
    );
    expect(
      await t.db.auditEvent.count({ where: { targetId: first.key.id, action: "key.replacement_withdrawn" } }),
    ).toBe(1);
    const secondRun = await t.db.operationRun.findFirstOrThrow({ where: { targetKeyId: second.key.id } });
    await expect(
      approveFleetRun(t.db, boss, { runId: firstRun.id, actor: admin, roles: ["Admin"] }),
    ).rejects.toThrow(/no longer waiting/);
    await declineFleetRun(t.db, { runId: secondRun.id, actor: admin, roles: ["Admin"] });
    expect((await view()).handover?.status).toBe("declined");
    expect((await t.db.customerKey.findFirstOrThrow({ where: { customerId, status: "ACTIVE" } })).id).toBe(
      inUse.id,
    );
    expect(await doneStep()).toBe("done");
  });

  it("policy 'apply at once' (an Admin's setting): the run starts on verification and the resources move without an approval", async () => {
    await expect(
      setKeyHandoverPolicy(t.db, { policy: "AUTO_APPLY", actor: support, roles: ["Support"] }),
    ).rejects.toThrow(/Only an Admin/);
    await setKeyHandoverPolicy(t.db, { policy: "AUTO_APPLY", actor: admin, roles: ["Admin"] });
    const { key, startedRunId } = await handOver(await customerKey("kv-handover-6"));
    expect(startedRunId).toBeTruthy();
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id: startedRunId! } });
    expect(run).toMatchObject({ state: "RUNNING", targetKeyId: key.id, approvedBy: null });
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe("ACTIVE");
    expect(await doneStep()).toBe("current");
    // Another hand-over while this one is applied is refused: nothing is stored.
    await expect(
      submitReplacementKey(t.db, { session, keyUri: "https://kv-handover-7.vault.azure.net/keys/cmk" }),
    ).rejects.toThrow(/being applied to your resources now/);
    expect((await driveRun(run.id)).state).toBe("FINISHED");
    expect(await armKeyNames()).toEqual(resourceIds.map(() => "https://kv-handover-6.vault.azure.net|cmk"));
    expect((await view()).handover).toMatchObject({ status: "done", resources: { total: 3, onNewKey: 3 } });
    expect(await doneStep()).toBe("done");
    expect(
      await t.db.auditEvent.count({ where: { action: "settings.key_handover_policy", actorId: admin.id } }),
    ).toBe(1);
  });

  it("while a hand-over is applied, the health monitor watches both keys, the old one until its last resource has moved", async () => {
    const old = await t.db.customerKey.findFirstOrThrow({ where: { customerId, status: "ACTIVE" } });
    expect(old.keyUri).toContain("kv-handover-6");
    // Policy 'apply at once' (the test before): the run starts on verification.
    const { key, startedRunId } = await handOver(await customerKey("kv-handover-9"));
    expect(startedRunId).toBeTruthy();
    const runId = startedRunId!;
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("SUPERSEDED");
    await runFleetBatch(t.db, boss, runId);
    const jobs = await t.db.job.findMany({ where: { runId, state: "QUEUED" }, orderBy: { id: "asc" } });
    expect(jobs).toHaveLength(3);
    expect(await drive(jobs[0]!.id)).toBe("succeeded");

    // One resource reads the new key back, two still use the old one: the monitor checks both keys.
    const check = () => runTenantHealthCheck(t.db, boss, { tenantId: TENANTS.contoso.id });
    const healthOf = async (id: string) =>
      (await t.db.customerKey.findUniqueOrThrow({ where: { id } })).health;
    expect(await check()).toEqual({ checked: 2 });
    expect([await healthOf(old.id), await healthOf(key.id)]).toEqual(["HEALTHY", "HEALTHY"]);

    // The customer disables the old key before the change is done: the two resources on it are at risk, and the
    // onboarding says so, although the new key (checked after it) is healthy.
    await vaultKeys.get("kv-handover-6")!.updateKeyProperties("cmk", { enabled: false });
    await check();
    expect([await healthOf(old.id), await healthOf(key.id)]).toEqual(["UNREACHABLE", "HEALTHY"]);
    const onboardingOf = async () =>
      (await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: key.onboardingId } })).state;
    expect(await onboardingOf()).toBe("KEY_UNREACHABLE");
    expect(
      await t.db.auditEvent.count({
        where: { targetId: old.id, action: "key.health_changed", outcome: "failure" },
      }),
    ).toBe(1);

    // Enabled again, the remaining resources move; the old key, used by none, is no longer watched.
    await vaultKeys.get("kv-handover-6")!.updateKeyProperties("cmk", { enabled: true });
    expect((await driveRun(runId)).state).toBe("FINISHED");
    expect(await t.db.isvResource.count({ where: { appliedKeyId: old.id } })).toBe(0);
    expect(await check()).toEqual({ checked: 1 });
    expect(await onboardingOf()).toBe("HEALTHY");
    expect(await armKeyNames()).toEqual(resourceIds.map(() => "https://kv-handover-9.vault.azure.net|cmk"));
  });

  it("revoking the customer's invite declines their hand-over waiting for approval, in the same transaction: the Approvals page no longer offers it", async () => {
    await setKeyHandoverPolicy(t.db, { policy: "APPROVAL", actor: admin, roles: ["Admin"] });
    const before = await keysInUse();
    const { key, result } = await handOver(await customerKey("kv-handover-8"));
    expect(result?.outcome).toBe("verified");
    const run = await t.db.operationRun.findFirstOrThrow({ where: { targetKeyId: key.id } });
    expect(run.state).toBe("AWAITING_APPROVAL");
    const offered = async () =>
      (await findRuns(t.db, { state: "AWAITING_APPROVAL" })).rows.map((r) => r.id).includes(run.id);
    expect(await offered()).toBe(true);

    expect(await revokeInviteAndHandover(t.db, { inviteId, actor: operator })).toEqual({
      declinedHandovers: 1,
    });
    expect((await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("DECLINED");
    expect((await t.db.customerKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe("SUPERSEDED");
    expect(await offered()).toBe(false);
    await expect(
      approveFleetRun(t.db, boss, { runId: run.id, actor: admin, roles: ["Admin"] }),
    ).rejects.toThrow(/no longer waiting/);
    // Nothing else moved: the key in use, the resources, ARM.
    expect(await keysInUse()).toEqual(before);
    const events = await t.db.auditEvent.findMany({
      where: { OR: [{ targetId: key.id }, { targetId: run.id }, { targetId: inviteId }] },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, details: true },
    });
    expect(events.map((e) => `${e.action} by ${e.actorId}`).slice(-3)).toEqual([
      `run.declined by ${operator.id}`,
      `key.replacement_declined by ${operator.id}`,
      `invite.revoked by ${operator.id}`,
    ]);
    expect(events.at(-3)?.details).toMatchObject({ why: "The customer's invite was revoked." });
    expect(events.at(-1)?.details).toEqual({ declinedHandovers: 1 });
  });
});
