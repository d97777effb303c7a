/**
 * `npm run worker`: the background worker (pg-boss on the app's PostgreSQL). Run it as its own process in
 * production; `npm run demo` starts one. SIGTERM/SIGINT: stop taking jobs and give running ones 20 s to finish; one
 * cut short is safe to abandon, because its saved operation state lets the next worker resume it.
 * Runs with --conditions=react-server so lib/ modules marked "server-only" load here as on the server.
 */
import { createDb } from "../lib/db/create-db.ts";
import { getEnv } from "../lib/env.ts";
import { startBoss } from "../lib/jobs/boss.ts";
import { registerVerifyKeyWorker } from "../lib/jobs/handlers/verify-key.ts";
import { registerApplyWorker, sweepUnsentJobs } from "../lib/jobs/handlers/register-apply-worker.ts";

const env = getEnv();
const db = createDb(env.DATABASE_URL, 4);
const boss = await startBoss(env.DATABASE_URL, "worker");
await registerVerifyKeyWorker(boss, db);
await registerApplyWorker(boss, db, {
  concurrency: env.WORKER_CONCURRENCY,
  writesPerSecond: env.ARM_WRITES_PER_SECOND,
});
const sweep = setInterval(
  () =>
    void sweepUnsentJobs(db, boss).catch((e: unknown) =>
      console.error(JSON.stringify({ level: "error", msg: "sweep failed", err: String(e) })),
    ),
  15_000,
);
console.log(
  JSON.stringify({
    level: "info",
    msg: "worker started",
    queues: ["verify-key", "apply-cmk"],
    concurrency: env.WORKER_CONCURRENCY,
  }),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: "info", msg: "worker stopping", signal }));
  clearInterval(sweep);
  await boss.stop({ graceful: true, timeout: 20_000 });
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
