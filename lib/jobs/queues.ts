import "server-only";
import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";

/**
 * Every queue: its name, retry policy and payload schema, and the one function that sends to it. Handlers are
 * registered in ./worker.ts; nothing else calls boss.send or boss.work.
 */
export const QUEUES = {
  "verify-key": { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  // A worker that dies mid-job stops heartbeating; pg-boss then hands the job out again and the new worker
  // resumes from the row's saved operation state. Retryable Azure errors are rescheduled by the handler itself.
  "apply-cmk": {
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    heartbeatSeconds: 10,
    expireInSeconds: 1800,
  },
  // Health: one sweep per interval fans out one check per tenant. `stately` keeps at most one check of a
  // tenant running and one waiting behind it: a "check now" clicked while a check runs (which may have read
  // the key before the change the operator is checking for, or not list a key verified since) waits its
  // turn instead of being dropped. (It replaced the `exclusive` queue `check-key-health`: pg-boss cannot
  // change a queue's policy after creation.)
  "key-health-sweep": { policy: "exclusive", retryLimit: 1, expireInSeconds: 900 },
  "key-health-check": { policy: "stately", retryLimit: 2, retryDelay: 30, expireInSeconds: 300 },
  // A failing endpoint is retried with exponential backoff (10 s, 20 s, 40 s, …) in its own job: it never
  // holds up the monitor. The attempt count lives on the delivery row (lib/notifications).
  "deliver-notification": { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 60 },
  // Fleet runs (lib/operations/fleet-run.ts): one message per run creates its next batch of jobs. "stately"
  // keeps at most one queued and one running per run, however many workers and resume clicks there are; a
  // worker that dies mid-batch stops heartbeating and the message is handed out again (the batch is idempotent).
  "fleet-run": {
    policy: "stately",
    retryLimit: 20,
    retryDelay: 2,
    heartbeatSeconds: 10,
    expireInSeconds: 300,
  },
  // Phase 1 health (lib/identity): on a cron schedule and a minute after a worker starts; one run at a time.
  "check-isv-identity": { retryLimit: 1, retryDelay: 60, expireInSeconds: 300 },
} as const;

/** When the worker checks Phase 1 (cron, UTC). */
export const ISV_IDENTITY_CHECK_CRON = "*/15 * * * *";

export const healthCheckPayload = z.object({
  tenantId: z.uuid(),
  /** Only this key of the tenant ("check now"); otherwise every watched key of the tenant. */
  keyId: z.uuid().optional(),
  freshToken: z.boolean().optional(),
});
export type HealthCheckPayload = z.infer<typeof healthCheckPayload>;
export const deliveryPayload = z.object({ deliveryId: z.uuid() });

/**
 * One health check of a tenant's keys; null when one is already waiting for that tenant (it has not started,
 * so it sees the key as it is now). At most one check per tenant runs at a time.
 */
export function sendKeyHealthCheck(boss: PgBoss, payload: HealthCheckPayload): Promise<string | null> {
  return boss.send("key-health-check", payload, { singletonKey: payload.tenantId });
}

/** Queues the deliveries a committed notification created. */
export async function sendDeliveries(boss: PgBoss, deliveryIds: string[]): Promise<void> {
  for (const deliveryId of deliveryIds)
    await boss.send("deliver-notification", { deliveryId }, { singletonKey: deliveryId });
}

/** A cron expression for "every N minutes" (whole hours past 59 minutes). */
export function everyMinutesCron(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  return `0 */${Math.max(1, Math.round(minutes / 60))} * * *`;
}

export type QueueName = keyof typeof QUEUES;

export const applyCmkPayload = z.object({ jobId: z.uuid() });
export type ApplyCmkPayload = z.infer<typeof applyCmkPayload>;

export const verifyKeyPayload = z.object({ keyId: z.uuid(), attempt: z.number().int().min(0).default(0) });
export type VerifyKeyPayload = z.infer<typeof verifyKeyPayload>;

/** Backoff while waiting for a role assignment to propagate: 10 s, 20 s, 40 s, then every 60 s. */
export function roleWaitDelaySeconds(attempt: number): number {
  return Math.min(60, 10 * 2 ** attempt);
}

/** Queues one verification attempt of a key, after the backoff for that attempt; one message per key and attempt. */
export async function sendKeyVerification(
  boss: PgBoss,
  payload: VerifyKeyPayload,
  delaySeconds = roleWaitDelaySeconds(payload.attempt),
): Promise<void> {
  await boss.send("verify-key", verifyKeyPayload.parse(payload), {
    singletonKey: `verify:${payload.keyId}:${payload.attempt}`,
    startAfter: delaySeconds,
  });
}

/**
 * Sends a key's verification again when its message was lost (lib/operations/recover-lost-work.ts): attempt 0,
 * at once; at most one such message per key in five minutes, however many workers sweep. Null when one was sent.
 */
export function resendKeyVerification(boss: PgBoss, keyId: string): Promise<string | null> {
  return boss.send("verify-key", verifyKeyPayload.parse({ keyId, attempt: 0 }), {
    singletonKey: `verify:${keyId}:recover`,
    singletonSeconds: 300,
  });
}

/** Sends a job row's message (now, or after Retry-After) and notes the message on the row for the sweep. */
export async function sendApplyMessage(
  db: Db,
  boss: PgBoss,
  jobId: string,
  startAfterSeconds?: number,
): Promise<void> {
  const bossJobId = await boss.send("apply-cmk", applyCmkPayload.parse({ jobId }), {
    startAfter: startAfterSeconds,
  });
  if (bossJobId) await db.job.update({ where: { id: jobId }, data: { bossJobId } });
}

export const fleetRunPayload = z.object({ runId: z.uuid() });

/**
 * Queues the next batch of a fleet run (now, or after a pause for room in its window); one waiting per run.
 * Null when one was already waiting.
 */
export function sendFleetRunBatch(
  boss: PgBoss,
  runId: string,
  startAfterSeconds?: number,
): Promise<string | null> {
  return boss.send("fleet-run", fleetRunPayload.parse({ runId }), {
    singletonKey: runId,
    ...(startAfterSeconds && { startAfter: startAfterSeconds }),
  });
}
