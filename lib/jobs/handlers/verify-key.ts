import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { runKeyVerification } from "@/lib/onboarding/run-key-verification";
import { roleWaitDelaySeconds, verifyKeyPayload } from "../queues";

/**
 * Re-verifies a key whose role assignment may still be propagating, and schedules the next attempt with
 * backoff until it passes, fails for another reason, or the 15-minute window closes.
 */
export function registerVerifyKeyWorker(boss: PgBoss, db: Db) {
  return boss.work("verify-key", { localConcurrency: 2 }, async ([job]) => {
    if (!job) return;
    const payload = verifyKeyPayload.parse(job.data);
    const { retry } = await runKeyVerification(db, { keyId: payload.keyId });
    if (retry) {
      const next = { keyId: payload.keyId, attempt: payload.attempt + 1 };
      await boss.send("verify-key", next, {
        singletonKey: `verify:${next.keyId}:${next.attempt}`,
        startAfter: roleWaitDelaySeconds(next.attempt),
      });
    }
  });
}
