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
} as const;

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
