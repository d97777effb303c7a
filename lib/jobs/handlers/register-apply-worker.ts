import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { sendApplyMessage } from "@/lib/resources/enqueue-apply";
import { applyCmkPayload } from "../queues";
import { runApplyJob } from "./apply-cmk";

/** Runs apply-cmk jobs; a retryable failure is sent again after Azure's Retry-After (or backoff). */
export async function registerApplyWorker(
  boss: PgBoss,
  db: Db,
  options: { concurrency: number; writesPerSecond: number },
) {
  await boss.work("apply-cmk", { localConcurrency: options.concurrency, batchSize: 1 }, async ([message]) => {
    if (!message) return;
    const { jobId } = applyCmkPayload.parse(message.data);
    try {
      const outcome = await runApplyJob(db, jobId, { writesPerSecond: options.writesPerSecond });
      if (outcome.kind === "retry") await sendApplyMessage(db, boss, jobId, outcome.afterSeconds);
    } catch (error) {
      // Unexpected (database gone, a bug): pg-boss retries the message; the job row resumes from its saved step.
      console.error(
        JSON.stringify({
          level: "error",
          msg: "apply-cmk handler failed",
          jobId,
          err: error instanceof Error ? error.stack : String(error),
        }),
      );
      throw error;
    }
  });
}

/**
 * Re-sends queue messages for job rows that have none (the process stopped between the commit and the send).
 * Rows whose message exists are left alone; pg-boss redelivers those itself.
 */
export async function sweepUnsentJobs(db: Db, boss: PgBoss, olderThanSeconds = 30): Promise<number> {
  const stale = await db.job.findMany({
    where: {
      kind: "APPLY_CMK",
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
