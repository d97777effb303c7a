import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { getLogger } from "@/lib/log";
import {
  applyCmkPayload,
  deliveryPayload,
  fleetRunPayload,
  everyMinutesCron,
  healthCheckPayload,
  ISV_IDENTITY_CHECK_CRON,
  sendApplyMessage,
  sendFleetRunBatch,
  sendKeyVerification,
  verifyKeyPayload,
  type HealthCheckPayload,
  type QUEUES,
} from "./queues";

/** How one run of a job ended, as the worker acts on it. */
export type JobOutcome =
  { kind: "succeeded" } | { kind: "failed" } | { kind: "retry"; afterSeconds: number } | { kind: "skipped" };

/**
 * The work behind each queue. The worker process passes the domain functions in (scripts/worker.ts), so this
 * folder stays below the pipeline it runs: lib/jobs never imports lib/operations or lib/onboarding.
 */
export interface JobHandlers {
  /** One verification attempt of a key; `retry` while the customer's role assignment may still propagate. */
  verifyKey(keyId: string): Promise<{ retry: boolean }>;
  /** One run of an apply job (see lib/operations/run-apply-job.ts). */
  applyCmk(jobId: string): Promise<JobOutcome>;
  /** One batch of a fleet run: creates and queues its next jobs; says when to look again, or null when done. */
  fleetRunBatch(runId: string): Promise<{ againInSeconds: number | null }>;
  /** Queues one health check per tenant with watched keys (lib/key-health/monitor.ts). */
  sweepKeyHealth(): Promise<unknown>;
  /** Checks a tenant's watched keys (or one of them). */
  checkKeyHealth(payload: HealthCheckPayload): Promise<unknown>;
  /** One delivery attempt of a notification; `retry` hands it back to pg-boss's backoff. */
  deliverNotification(deliveryId: string): Promise<"delivered" | "retry" | "failed" | "skipped">;
  /** One check of the ISV's identity set-up (see lib/identity/run-phase1-check.ts). */
  checkIsvIdentity(): Promise<void>;
}

/** Registers every queue's handler, in one place. */
export async function registerJobHandlers(
  boss: PgBoss,
  db: Db,
  handlers: JobHandlers,
  options: {
    concurrency: number;
    verifyConcurrency: number;
    healthIntervalMinutes: number;
    healthConcurrency: number;
  },
): Promise<(keyof typeof QUEUES)[]> {
  const log = getLogger().child({ component: "worker" });
  await boss.work("verify-key", { localConcurrency: options.verifyConcurrency }, async ([message]) => {
    if (!message) return;
    const payload = verifyKeyPayload.parse(message.data);
    // Re-verifies until it passes, fails for another reason, or the role-propagation window closes.
    const { retry } = await handlers.verifyKey(payload.keyId);
    if (retry) await sendKeyVerification(boss, { keyId: payload.keyId, attempt: payload.attempt + 1 });
  });
  await boss.work("apply-cmk", { localConcurrency: options.concurrency, batchSize: 1 }, async ([message]) => {
    if (!message) return;
    const { jobId } = applyCmkPayload.parse(message.data);
    try {
      const outcome = await handlers.applyCmk(jobId);
      // A retryable Azure failure is sent again after Azure's Retry-After (or backoff).
      if (outcome.kind === "retry") await sendApplyMessage(db, boss, jobId, outcome.afterSeconds);
    } catch (error) {
      // Unexpected (database gone, a bug): pg-boss retries the message; the job row resumes from its saved step.
      log.error({ err: error, jobId, queue: "apply-cmk" }, "apply-cmk handler failed");
      throw error;
    }
  });
  await boss.work("fleet-run", { localConcurrency: 1 }, async ([message]) => {
    if (!message) return;
    const { runId } = fleetRunPayload.parse(message.data);
    const { againInSeconds } = await handlers.fleetRunBatch(runId);
    if (againInSeconds !== null) await sendFleetRunBatch(boss, runId, againInSeconds);
  });
  // The sweep is a pg-boss schedule kept in PostgreSQL: however many workers run, each interval fires once.
  await boss.schedule("key-health-sweep", everyMinutesCron(options.healthIntervalMinutes));
  await boss.work("key-health-sweep", async ([message]) => {
    if (message) log.info({ sweep: await handlers.sweepKeyHealth() }, "key health sweep queued checks");
  });
  await boss.work("key-health-check", { localConcurrency: options.healthConcurrency }, async ([message]) => {
    if (message) await handlers.checkKeyHealth(healthCheckPayload.parse(message.data));
  });
  await boss.work("deliver-notification", { localConcurrency: 4 }, async ([message]) => {
    if (!message) return;
    const outcome = await handlers.deliverNotification(deliveryPayload.parse(message.data).deliveryId);
    // Throwing hands the message back to pg-boss, which retries it after its exponential backoff.
    if (outcome === "retry") throw new Error("delivery failed; retrying with backoff");
  });
  await boss.work("check-isv-identity", { localConcurrency: 1 }, async () => {
    await handlers.checkIsvIdentity();
  });
  await boss.schedule("check-isv-identity", ISV_IDENTITY_CHECK_CRON, {}, { tz: "UTC" });
  // A first check a minute after start (not competing with the jobs a starting worker picks up), so the
  // console shows the set-up soon; one for all workers starting together.
  await boss.send(
    "check-isv-identity",
    {},
    { singletonKey: "check-isv-identity:start", singletonSeconds: 60, startAfter: 60 },
  );
  return [
    "verify-key",
    "apply-cmk",
    "fleet-run",
    "key-health-sweep",
    "key-health-check",
    "deliver-notification",
    "check-isv-identity",
  ];
}

/**
 * Re-sends queue messages for job rows that have none (the process stopped between the commit and the send).
 * Rows whose message exists are left alone; pg-boss redelivers those itself.
 */
export async function sweepUnsentJobs(db: Db, boss: PgBoss, olderThanSeconds = 30): Promise<number> {
  const stale = await db.job.findMany({
    where: {
      kind: { in: ["APPLY_CMK", "ROTATE_KEY", "CHANGE_KEY", "REVERT_CMK"] },
      state: "QUEUED",
      bossJobId: null,
      createdAt: { lt: new Date(Date.now() - olderThanSeconds * 1000) },
    },
    select: { id: true },
    take: 500,
  });
  for (const job of stale) await sendApplyMessage(db, boss, job.id);
  return stale.length;
}
