import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { runKeyVerification } from "@/lib/onboarding/run-key-verification";
import { sendKeyVerification, verifyKeyPayload } from "../queues";

/**
 * Re-verifies a key whose role assignment may still be propagating, and schedules the next attempt with
 * backoff until it passes, fails for another reason, or the 15-minute window closes.
 */
export function registerVerifyKeyWorker(boss: PgBoss, db: Db) {
  return boss.work("verify-key", { localConcurrency: 2 }, async ([job]) => {
    if (!job) return;
    const payload = verifyKeyPayload.parse(job.data);
    const { retry } = await runKeyVerification(db, { keyId: payload.keyId });
    if (retry) await sendKeyVerification(boss, { keyId: payload.keyId, attempt: payload.attempt + 1 });
  });
}
