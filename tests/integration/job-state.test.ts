import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { createJob, transitionJob, updateJobProgress } from "../../lib/jobs/job-state";
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
const system = { type: "SYSTEM" as const, id: "crosskey" };

const newJob = (activeKey: string, state?: "QUEUED" | "AWAITING_APPROVAL") =>
  t.db.$transaction((tx) => createJob(tx, { kind: "APPLY_CMK", activeKey, actor: operator, state }));
const events = (jobId: string) =>
  t.db.auditEvent.findMany({ where: { targetType: "job", targetId: jobId }, orderBy: { id: "asc" } });

/** Row locks held on jobs by open transactions, and sessions waiting for a lock, as PostgreSQL reports them. */
const lockedRows = async () =>
  Number(
    (
      await t.db.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'Job' AND l.mode = 'RowExclusiveLock' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`
    )[0]!.n,
  );
const waitingForLocks = async () =>
  Number(
    (
      await t.db.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
    )[0]!.n,
  );
async function waitUntil(check: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met within 20 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("[jobs] job transitions are the only way Job.state changes", () => {
  it("each move commits with its audit event; finishing frees the target for the next job", async () => {
    const job = await newJob("test:a");
    await t.db.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: "RUNNING", actor: system }));
    await t.db.$transaction((tx) => updateJobProgress(tx, job.id, { step: 1 }));
    const done = await t.db.$transaction((tx) =>
      transitionJob(tx, { jobId: job.id, to: "SUCCEEDED", actor: system, details: { writes: 1 } }),
    );
    expect(done).toMatchObject({ state: "SUCCEEDED", activeKey: null, step: 1 });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect((await events(job.id)).map((e) => [e.action, e.details])).toEqual([
      ["job.queued", { kind: "APPLY_CMK", to: "QUEUED", resourceId: null }],
      ["job.running", { kind: "APPLY_CMK", from: "QUEUED", to: "RUNNING" }],
      ["job.succeeded", { kind: "APPLY_CMK", from: "RUNNING", to: "SUCCEEDED", writes: 1 }],
    ]);
    expect((await newJob("test:a")).state).toBe("QUEUED");
  });

  it("a move the table does not allow is refused with words and changes nothing", async () => {
    const job = await newJob("test:b", "AWAITING_APPROVAL");
    const refused = await t.db
      .$transaction((tx) => transitionJob(tx, { jobId: job.id, to: "RUNNING", actor: system }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toBe(
      "The job is awaiting approval; it cannot become running from there.",
    );
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("AWAITING_APPROVAL");
    expect((await events(job.id)).map((e) => e.action)).toEqual(["job.awaiting_approval"]);
  });

  it("two moves decided from the same state: the second waits for the first and is refused, not applied over it", async () => {
    const job = await newJob("test:d");
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    // The first mover holds its transaction open after moving the job.
    const first = t.db.$transaction(
      async (tx) => {
        await transitionJob(tx, { jobId: job.id, to: "RUNNING", actor: system });
        await held;
      },
      { timeout: 30_000 },
    );
    await waitUntil(async () => (await events(job.id)).length === 1 && (await lockedRows()) > 0);
    // The second still reads QUEUED (the first has not committed) and decides from it.
    const second = t.db
      .$transaction((tx) => transitionJob(tx, { jobId: job.id, to: "CANCELLED", actor: operator }))
      .catch((e: unknown) => e);
    await waitUntil(async () => (await waitingForLocks()) > 0);
    release();
    await first;
    const refused = await second;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toBe(
      "The job became running meanwhile; it was not moved to cancelled.",
    );
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("RUNNING");
    expect((await events(job.id)).map((e) => e.action)).toEqual(["job.queued", "job.running"]);
  });

  it("the audit event and the state roll back together", async () => {
    const job = await newJob("test:c");
    await expect(
      t.db.$transaction(async (tx) => {
        await transitionJob(tx, { jobId: job.id, to: "CANCELLED", actor: operator });
        throw new Error("the caller's next write failed");
      }),
    ).rejects.toThrow("the caller's next write failed");
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("QUEUED");
    expect((await events(job.id)).map((e) => e.action)).toEqual(["job.queued"]);
  });

  it("a job of a customer's resource is audited under that customer; a failure is a failure, and the run is kept", async () => {
    const customer = await t.db.customer.create({
      data: { name: "Audit Co", nameKey: "audit co", createdBy: operator.id },
    });
    const resource = await t.db.isvResource.create({
      data: {
        armIdKey: "/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/auditco",
        armId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/auditco",
        kind: "STORAGE_ACCOUNT",
        name: "auditco",
        subscriptionId: "aaaaaaaa-0000-4000-8000-000000000001",
        resourceGroup: "g",
        region: "westeurope",
        customerId: customer.id,
      },
    });
    const run = await t.db.operationRun.create({
      data: { operation: "ROTATE", selection: {}, requestedBy: operator.id, reason: "audit test" },
    });
    // An actor without an id (a process acting on its own) is recorded as "unknown", never as nothing.
    const job = await t.db.$transaction((tx) =>
      createJob(tx, {
        kind: "APPLY_CMK",
        activeKey: "test:audited",
        resourceId: resource.id,
        customerId: customer.id,
        runId: run.id,
        actor: { type: "SYSTEM" as const },
      }),
    );
    expect(job.requestedBy).toBe("unknown");
    await t.db.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: "RUNNING", actor: system }));
    await t.db.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: "FAILED", actor: system }));
    const audited = await events(job.id);
    expect(audited.map((e) => [e.action, e.outcome, e.customerId])).toEqual([
      ["job.queued", "success", customer.id],
      ["job.running", "success", customer.id],
      ["job.failed", "failure", customer.id],
    ]);
    expect(audited[0]!.details).toEqual({
      kind: "APPLY_CMK",
      to: "QUEUED",
      resourceId: resource.id,
      runId: run.id,
    });

    // The caller's outcome wins over the default: here a cancellation the caller counts as a failure.
    const other = await newJob("test:outcome");
    await t.db.$transaction((tx) =>
      transitionJob(tx, { jobId: other.id, to: "CANCELLED", actor: operator, outcome: "failure" }),
    );
    expect((await events(other.id)).map((e) => [e.action, e.outcome])).toEqual([
      ["job.queued", "success"],
      ["job.cancelled", "failure"],
    ]);
  });

  it("a job that does not exist cannot move", async () => {
    const refused = await t.db
      .$transaction((tx) =>
        transitionJob(tx, { jobId: "00000000-0000-4000-8000-000000000000", to: "RUNNING", actor: system }),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("NOT_FOUND");
    expect((refused as AppError).message).toBe("This job does not exist.");
  });
});
