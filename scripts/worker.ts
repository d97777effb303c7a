/**
 * `npm run worker`: the background worker (pg-boss on the app's PostgreSQL). Run it as its own process in
 * production, as many as the load needs; `npm run demo` starts one and restarts it if it dies.
 * SIGTERM/SIGINT: stop taking jobs and give running ones 20 s to finish; one cut short is safe to abandon,
 * because its saved operation state lets the next worker resume it. Logs are JSON lines (pino) on stdout.
 * Its database connections are named `crosskey-worker:<host>:<pid>`, which is how /api/health/details lists
 * live workers. Runs with --conditions=react-server so lib/ modules marked "server-only" load here as on the server.
 */
import { dbOptionsFromEnv } from "../lib/db/client.ts";
import { createDb } from "../lib/db/create-db.ts";
import { getEnv } from "../lib/env.ts";
import { startBoss } from "../lib/jobs/boss.ts";
import { registerJobHandlers } from "../lib/jobs/worker.ts";
import { workerApplicationName } from "../lib/jobs/worker-name.ts";
import { getLogger } from "../lib/log.ts";
import { verifyCustomerKey } from "../lib/operations/key-handover.ts";
import { runApplyJob } from "../lib/operations/run-apply-job.ts";
import { runFleetBatch } from "../lib/operations/fleet-run.ts";
import { recoverLostWork } from "../lib/operations/recover-lost-work.ts";
import { runTenantHealthCheck, sweepKeyHealth } from "../lib/key-health/monitor.ts";
import { deliverNotification, findStrandedDeliveries } from "../lib/notifications/deliver-notification.ts";
import { sendDeliveries, sendFleetRunBatch } from "../lib/jobs/queues.ts";
import { SYSTEM_ACTOR } from "../lib/audit/record-audit-event.ts";
import { runPhase1Check } from "../lib/identity/run-phase1-check.ts";

const env = getEnv();
const log = getLogger().child({ component: "worker", pid: process.pid });
const db = createDb(env.DATABASE_URL, dbOptionsFromEnv({ applicationName: workerApplicationName() }));
const boss = await startBoss(env.DATABASE_URL, "worker");
const queues = await registerJobHandlers(
  boss,
  db,
  {
    verifyKey: async (keyId) => {
      const outcome = await verifyCustomerKey(db, { keyId });
      // A customer's replacement key the ISV's policy applies at once: its run's first batch.
      if (outcome.startedRunId) await sendFleetRunBatch(boss, outcome.startedRunId);
      return outcome;
    },
    applyCmk: (jobId) => runApplyJob(db, jobId, { writesPerSecond: env.ARM_WRITES_PER_SECOND }),
    fleetRunBatch: (runId) => runFleetBatch(db, boss, runId),
    sweepKeyHealth: async () => {
      const swept = await sweepKeyHealth(db, boss);
      await sendDeliveries(boss, await findStrandedDeliveries(db));
      return swept;
    },
    checkKeyHealth: (payload) => runTenantHealthCheck(db, boss, payload),
    deliverNotification: (deliveryId) => deliverNotification(db, deliveryId),
    checkIsvIdentity: async () => {
      await runPhase1Check(db, { actor: SYSTEM_ACTOR, scheduled: true, boss });
    },
  },
  {
    concurrency: env.WORKER_CONCURRENCY,
    verifyConcurrency: env.VERIFY_CONCURRENCY,
    healthIntervalMinutes: env.KEY_HEALTH_INTERVAL_MINUTES,
    healthConcurrency: Math.max(2, Math.ceil(env.WORKER_CONCURRENCY / 2)),
  },
);
// Work committed whose message was lost (a process stopped between the commit and the send): sent again.
const sweep = setInterval(
  () =>
    void recoverLostWork(db, boss)
      .then((recovered) => {
        if (Object.values(recovered).some((n) => n > 0))
          log.info({ recovered }, "sent messages for work that had none");
      })
      .catch((err: unknown) => log.error({ err }, "sweep failed")),
  15_000,
);
log.info(
  {
    queues,
    applyConcurrency: env.WORKER_CONCURRENCY,
    verifyConcurrency: env.VERIFY_CONCURRENCY,
    applicationName: workerApplicationName(),
  },
  "worker started",
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker stopping: no new jobs, running ones get 20 s");
  clearInterval(sweep);
  await boss.stop({ graceful: true, timeout: 20_000 });
  await db.$disconnect();
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
