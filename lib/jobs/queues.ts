import type { PgBoss } from "pg-boss";
import { z } from "zod";

/** Every queue, its payload schema and its retry policy, in one place. */
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

export const applyCmkPayload = z.object({ jobId: z.uuid() });

export type QueueName = keyof typeof QUEUES;

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
  await boss.send("verify-key", payload, {
    singletonKey: `verify:${payload.keyId}:${payload.attempt}`,
    startAfter: delaySeconds,
  });
}
