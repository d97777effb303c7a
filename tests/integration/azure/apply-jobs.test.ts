import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBoss } from "../../../lib/jobs/boss";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { startArmWrite } from "../../../lib/azure/arm";
import { jobPlanColumn, jobProgressColumn } from "../../../lib/jobs/job-columns";
import { transitionJob, updateJobProgress } from "../../../lib/jobs/job-state";
import { planApply } from "../../../lib/operations/plan-apply";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { seedIsvResource, seedOnboardedCustomer } from "../../../prisma/seed/factories";
import { startChild, stopChildren } from "../../../scripts/lib/children";
import { control, installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { armWritesSoFar, faultsLeft as emulatorFaultsLeft } from "./emulator-counters";
import { createDiskEncryptionSet, createStorageAccount } from "./isv-resources";

const ADMIN = "admin@contoso.onmicrosoft.com";
const actor = { type: "OPERATOR" as const, id: "operator@fabrikamcloud.onmicrosoft.com", role: "Operator" };

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let customerId: string;
const emulatorUrl = () => inject("emulatorUrl");

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  const spObjectId = await installApp(
    emulatorUrl(),
    TENANTS.contoso.id,
    ADMIN,
    "22222222-2222-4222-8222-222222222222",
  );
  await runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANTS.contoso,
    adminUpn: ADMIN,
    spObjectId,
    vaultName: "kv-jobs",
    keyName: "cmk",
  });
  const seeded = await seedOnboardedCustomer(t.db, {
    name: "Contoso Jobs",
    tenantId: TENANTS.contoso.id,
    adminUpn: ADMIN,
    spObjectId,
    keyUri: "https://kv-jobs.vault.azure.net/keys/cmk",
    vaultHost: "kv-jobs.vault.azure.net",
    keyName: "cmk",
  });
  expect((await runKeyVerification(t.db, { keyId: seeded.key.id })).result?.outcome).toBe("verified");
  customerId = seeded.customer.id;
}, 60_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await stopChildren();
  await control(emulatorUrl(), "faults", undefined, "DELETE");
  await control(emulatorUrl(), "settings", { lroSeconds: 1 }, "PATCH");
  await t.drop();
});

async function storageAccount(name: string) {
  const armId = await createStorageAccount(emulatorUrl(), name);
  return seedIsvResource(t.db, { armId, kind: "STORAGE_ACCOUNT", region: "westeurope", customerId });
}

async function diskEncryptionSet(name: string) {
  const armId = await createDiskEncryptionSet(emulatorUrl(), name);
  return seedIsvResource(t.db, { armId, kind: "DISK_ENCRYPTION_SET", region: "westeurope", customerId });
}

/** What the worker does for one message, repeated as pg-boss would redeliver it, honouring the asked delay. */
async function driveJob(jobId: string) {
  for (let i = 0; i < 10; i++) {
    const outcome = await runApplyJob(t.db, jobId, { writesPerSecond: 50 });
    if (outcome.kind !== "retry") return outcome;
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
  throw new Error("job never finished");
}

const writesSoFar = () => armWritesSoFar(emulatorUrl());
const faultsLeft = (path: string) => emulatorFaultsLeft(emulatorUrl(), path);

describe("[jobs] applying the customer's key as durable jobs", () => {
  it("queues one job per resource however often Apply is pressed", async () => {
    const resource = await storageAccount("stjobsidem");
    const [a, b] = await Promise.all([
      enqueueApply(t.db, boss, { resourceId: resource.id, actor }),
      enqueueApply(t.db, boss, { resourceId: resource.id, actor }),
    ]);
    expect(a.job.id).toBe(b.job.id);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(await driveJob(a.job.id)).toEqual({ kind: "succeeded" });
    const applied = await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } });
    expect(applied).toMatchObject({ cmkState: "APPLIED" });
    expect(applied.appliedKeyVersion).toMatch(/^[0-9a-f]{32}$/);
    const actions = (
      await t.db.auditEvent.findMany({ where: { targetId: resource.armId }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["cmk.apply_requested", "cmk.apply_started", "cmk.applied"]);
  });

  it("honours 429 + Retry-After and ends applied", async () => {
    const resource = await storageAccount("stjobsthrottle");
    await control(emulatorUrl(), "faults", {
      service: "arm",
      method: "PATCH",
      path: "stjobsthrottle",
      status: 429,
      retryAfterSeconds: 1,
      count: 3,
      headers: { "retry-after": "1" },
      body: { error: { code: "SubscriptionRequestsThrottled", message: "Throttled (injected)." } },
    });
    const before = await writesSoFar();
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    expect(await driveJob(job.id)).toEqual({ kind: "succeeded" });
    // Three refusals used up, then exactly one accepted write: retried, and not written twice.
    expect(await faultsLeft("stjobsthrottle")).toBe(0);
    expect((await writesSoFar()) - before).toBe(1);
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe(
      "APPLIED",
    );
  });

  it("a long-running operation that ends Failed fails the job with Azure's reason", async () => {
    const resource = await diskEncryptionSet("des-jobs-lro-fail");
    await control(emulatorUrl(), "faults", {
      service: "arm",
      method: "PATCH",
      path: "des-jobs-lro-fail",
      lroOutcome: {
        status: "Failed",
        code: "InternalOperationError",
        message: "The disk encryption set update failed (injected).",
      },
    });
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    expect(await driveJob(job.id)).toEqual({ kind: "failed" });
    const failed = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(failed.state).toBe("FAILED");
    expect(failed.error).toMatchObject({ code: "InternalOperationError" });
    expect(failed.activeKey).toBeNull();
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe(
      "FAILED",
    );
  });

  it("a key whose role was removed is refused by Azure; the job fails once, with words, and is not retried", async () => {
    const spObjectId = await installApp(
      emulatorUrl(),
      TENANTS.contoso.id,
      ADMIN,
      "22222222-2222-4222-8222-222222222222",
    );
    const script = await runCustomerScript({
      emulatorUrl: emulatorUrl(),
      tenant: TENANTS.contoso,
      adminUpn: ADMIN,
      spObjectId,
      vaultName: "kv-jobs-revoked",
      keyName: "cmk",
    });
    const other = await seedOnboardedCustomer(t.db, {
      name: "Contoso Revoked",
      tenantId: TENANTS.contoso.id,
      adminUpn: ADMIN,
      spObjectId,
      keyUri: script.versionlessUri,
      vaultHost: "kv-jobs-revoked.vault.azure.net",
      keyName: "cmk",
    });
    await runKeyVerification(t.db, { keyId: other.key.id });
    const id = await createStorageAccount(emulatorUrl(), "stjobsrevoked");
    const resource = await seedIsvResource(t.db, {
      armId: id,
      kind: "STORAGE_ACCOUNT",
      region: "westeurope",
      customerId: other.customer.id,
    });
    const admin = (await (
      await import("../../../scripts/lib/emulated-customer")
    )
      .userCredential(emulatorUrl(), TENANTS.contoso.id, ADMIN)
      .getToken("https://management.azure.com/.default"))!.token;
    const removed = await fetch(`${emulatorUrl()}${script.roleAssignmentId}?api-version=2022-04-01`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(removed.status).toBe(200);

    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    expect(await runApplyJob(t.db, job.id, { writesPerSecond: 50 })).toEqual({ kind: "failed" });
    const failed = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(failed.attempts).toBe(1);
    const error = failed.error as { code: string; what: string; todo: string };
    expect(error.code).toBe("KeyVaultAuthenticationFailure");
    expect(error.what.length).toBeGreaterThan(20);
    expect(error.todo.length).toBeGreaterThan(20);
  });

  it("a write sent by a worker that died before recording it is read back, not sent again", async () => {
    const resource = await storageAccount("stjobsresent");
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    const { steps } = await planApply(t.db, resource.id);
    expect(steps).toHaveLength(1);
    // What the dead worker did: started the job and its step, planned it, and sent the write; nothing after.
    await t.db.$transaction(async (tx) => {
      await transitionJob(tx, { jobId: job.id, to: "RUNNING", actor: { type: "SYSTEM", id: "crosskey" } });
      await updateJobProgress(tx, job.id, {
        plan: jobPlanColumn.write({ steps }),
        progress: jobProgressColumn.write({ step: 1, of: steps.length, description: steps[0]!.description }),
      });
    });
    const before = await writesSoFar();
    expect((await startArmWrite(steps[0]!)).done).toBe(true);
    // Its message comes back to another worker.
    expect((await driveJob(job.id)).kind).toBe("succeeded");
    expect((await writesSoFar()) - before).toBe(1);
    expect(await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).toMatchObject({
      cmkState: "APPLIED",
    });
  });

  it("handlers starting one job at the same instant send its write once: the others find the step claimed", async () => {
    const resource = await storageAccount("stjobsracing");
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    const before = await writesSoFar();
    // Three deliveries of the job's message at once (a second message, a redelivery): all read the job before
    // any of them has begun its step.
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => runApplyJob(t.db, job.id, { writesPerSecond: 50 })),
    );
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["skipped", "skipped", "succeeded"]);
    expect((await writesSoFar()) - before).toBe(1);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      state: "SUCCEEDED",
      step: 1,
      error: null,
    });
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe(
      "APPLIED",
    );
  }, 120_000);

  // Before the SIGKILL test: the worker it starts would take this job's message too.
  it("a message handled twice (its heartbeat lapsed) finishes the job once: the late handler changes nothing", async () => {
    const resource = await diskEncryptionSet("des-jobs-twice");
    await control(emulatorUrl(), "settings", { lroSeconds: 3 }, "PATCH");
    const before = await writesSoFar();
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    // The first handler sends the write and polls; pg-boss hands the same message to a second one meanwhile.
    const first = runApplyJob(t.db, job.id, { writesPerSecond: 50 });
    await waitFor(
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "WAITING_ON_AZURE",
      60_000,
    );
    const second = runApplyJob(t.db, job.id, { writesPerSecond: 50 });
    const outcomes = (await Promise.all([first, second])).map((o) => o.kind).sort();
    // Whichever read Azure's answer last finds the job finished and leaves it as it is, with no error.
    expect(outcomes).toEqual(["skipped", "succeeded"]);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      state: "SUCCEEDED",
      error: null,
    });
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe(
      "APPLIED",
    );
    const finished = await t.db.auditEvent.count({
      where: { targetType: "job", targetId: job.id, action: { in: ["job.succeeded", "job.failed"] } },
    });
    expect(finished).toBe(1);
    expect((await writesSoFar()) - before).toBe(1);
    await control(emulatorUrl(), "settings", { lroSeconds: 1 }, "PATCH");
  }, 120_000);

  it("a worker killed (SIGKILL) while Azure is still working resumes in a new worker: applied, with exactly one write", async () => {
    const resource = await diskEncryptionSet("des-jobs-kill");
    await control(emulatorUrl(), "settings", { lroSeconds: 6 }, "PATCH");
    const env = { ...process.env, DATABASE_URL: t.url, WORKER_CONCURRENCY: "2", ARM_WRITES_PER_SECOND: "50" };
    // `node --import tsx` rather than the tsx CLI: one process, so SIGKILL kills the worker itself (the CLI's
    // wrapper would die and leave the worker running, an orphan, after the suite).
    const workerArgs = ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"];
    const worker = startChild("worker-a", process.execPath, workerArgs, env, process.cwd());
    const before = await writesSoFar();
    const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
    // Ceilings, not timings: a worker starting on a busy two-core machine can take a minute.
    await waitFor(
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "WAITING_ON_AZURE",
      90_000,
    );
    const waiting = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(waiting.operationState).toBeTruthy();
    worker.kill("SIGKILL");
    startChild("worker-b", process.execPath, workerArgs, env, process.cwd());
    await waitFor(
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "SUCCEEDED",
      90_000,
    );
    expect((await t.db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe(
      "APPLIED",
    );
    expect((await writesSoFar()) - before).toBe(1);
  }, 240_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
