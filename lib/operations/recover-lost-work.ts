import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { resendKeyVerification, sendFleetRunBatch } from "@/lib/jobs/queues";
import { sweepUnsentJobs } from "@/lib/jobs/worker";
import { settleRun } from "./fleet-run";

/** Rows looked at per kind and sweep; what is left waits for the next sweep (nothing loads a whole table). */
const PAGE = 200;
/**
 * A verification chain re-sends itself at most 60 s after its last attempt (`roleWaitDelaySeconds`); a key
 * still verifying or waiting for its role this long after its last attempt has no message left.
 */
const VERIFICATION_STALE_SECONDS = 180;

export interface RecoveredWork {
  /** Apply, rotate, change and revert jobs queued without a message. */
  jobs: number;
  /** Running fleet runs with resources left to take and no batch waiting: their next batch. */
  runs: number;
  /** Runs whose last job or cancel ended without the run being settled. */
  settled: number;
  /** Keys (first keys and hand-overs) left verifying or waiting for their role without a message. */
  keys: number;
}

/**
 * Every state change commits first and its pg-boss message is sent after: a process that stops between the two
 * leaves work that nothing would pick up. This sweep (run by every worker, `scripts/worker.ts`) finds such work
 * from the rows themselves and sends its message again. Each re-send is idempotent: an apply job's steps are
 * claimed through `Job.progress`; the `fleet-run` queue is `stately` (one message waits per run) and a batch
 * works under the run's row lock from the run's cursor; settling a run re-checks it under that lock; a
 * re-verification records the key's state as Azure shows it now. `olderThanSeconds` leaves alone what a live
 * process is still about to send.
 */
export async function recoverLostWork(
  db: Db,
  boss: PgBoss,
  { olderThanSeconds = 30 }: { olderThanSeconds?: number } = {},
): Promise<RecoveredWork> {
  const cutoff = new Date(Date.now() - olderThanSeconds * 1000);
  const jobs = await sweepUnsentJobs(db, boss, olderThanSeconds);

  // A running run that has not moved for a while: approve, resume, a hand-over applied at once and each batch
  // send its next batch after their commit. Re-sending while one waits is a no-op (stately).
  const running = await db.operationRun.findMany({
    where: { state: "RUNNING", exhausted: false, updatedAt: { lt: cutoff } },
    orderBy: { updatedAt: "asc" },
    take: PAGE,
    select: { id: true },
  });
  let runs = 0;
  for (const run of running) if (await sendFleetRunBatch(boss, run.id)) runs += 1;

  // A run whose resources were all taken (or that was being cancelled) ends when its last job does; a process
  // that stopped between that job's end, or the cancel, and `settleRun` leaves it open.
  const unsettled = await db.operationRun.findMany({
    where: {
      OR: [{ state: "RUNNING", exhausted: true }, { state: "CANCELLING" }],
      updatedAt: { lt: cutoff },
      jobs: { none: { state: { in: ["QUEUED", "RUNNING", "WAITING_ON_AZURE", "PAUSED", "CANCELLING"] } } },
    },
    orderBy: { updatedAt: "asc" },
    take: PAGE,
    select: { id: true },
  });
  for (const run of unsettled) await settleRun(db, run.id);

  const staleBefore = new Date(Date.now() - Math.max(olderThanSeconds, VERIFICATION_STALE_SECONDS) * 1000);
  const keys = await db.customerKey.findMany({
    where: {
      status: { in: ["ACTIVE", "PROPOSED"] },
      verificationStatus: { in: ["VERIFYING", "WAITING_FOR_ROLE"] },
      OR: [{ lastVerifiedAt: null, createdAt: { lt: staleBefore } }, { lastVerifiedAt: { lt: staleBefore } }],
      onboarding: { servicePrincipalObjectId: { not: null } },
    },
    orderBy: { createdAt: "asc" },
    take: PAGE,
    select: { id: true },
  });
  let resent = 0;
  for (const key of keys) if (await resendKeyVerification(boss, key.id)) resent += 1;

  return { jobs, runs, settled: unsettled.length, keys: resent };
}
