import "server-only";
import { PgBoss } from "pg-boss";
import { getLogger } from "@/lib/log";
import { QUEUES } from "./queues";
import { workerApplicationName } from "./worker-name";

const globalForBoss = globalThis as unknown as { crosskeyBoss?: Promise<PgBoss> };

/**
 * pg-boss on the app's own PostgreSQL (schema `pgboss`, created by the migrations; the app's role may not create
 * schemas, and pg-boss installs and migrates its tables inside it — docs/database.md, "Roles"). `role: "producer"` only sends (the web app);
 * `"worker"` also supervises and runs maintenance (the worker process).
 */
export async function startBoss(connectionString: string, role: "producer" | "worker"): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    createSchema: false,
    max: role === "worker" ? 6 : 2,
    application_name: role === "worker" ? workerApplicationName() : "crosskey-web",
    supervise: role === "worker",
    // Finds jobs whose worker stopped heartbeating within seconds rather than a minute.
    ...(role === "worker" && { superviseIntervalSeconds: 5 }),
    // Workers keep the cron schedules (the key-health sweep, the Phase 1 check); the web app only sends.
    schedule: role === "worker",
  });
  const log = getLogger().child({ component: "pg-boss", role });
  boss.on("error", (err) => log.error({ err }, "pg-boss error"));
  await boss.start();
  for (const [name, options] of Object.entries(QUEUES)) await boss.createQueue(name, options);
  return boss;
}

/** The web app's producer, started once per process. */
export function getProducerBoss(connectionString: string): Promise<PgBoss> {
  globalForBoss.crosskeyBoss ??= startBoss(connectionString, "producer").catch((error: unknown) => {
    globalForBoss.crosskeyBoss = undefined;
    throw error;
  });
  return globalForBoss.crosskeyBoss;
}
