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
});
