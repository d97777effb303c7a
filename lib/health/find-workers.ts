import "server-only";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "@/lib/jobs/boss";
import { QUEUES } from "@/lib/jobs/queues";
import { WORKER_APPLICATION_PREFIX as WORKER_PREFIX } from "@/lib/jobs/worker-name";

/**
 * A worker process as PostgreSQL sees it: its connections carry `crosskey-worker:<host>:<pid>`. No table and
 * no heartbeat: a worker that dies loses its connections at once, and `pg_stat_activity` shows the
 * connections of the same database role.
 */
export interface WorkerProcess {
  host: string;
  pid: number;
  connections: number;
  connectedSince: string;
}

export interface QueueBacklog {
  name: string;
  /** Ready to run now. */
  ready: number;
  /** Waiting for their start time (retries with backoff, verification waits). */
  deferred: number;
  active: number;
  /** Failed jobs still retained (a rolling window, not an all-time total). */
  failed: number;
}

export async function findWorkers(): Promise<WorkerProcess[]> {
  const rows = await getDb().$queryRaw<{ application_name: string; connections: bigint; since: Date }[]>`
    SELECT application_name, count(*) AS connections, min(backend_start) AS since
    FROM pg_stat_activity
    WHERE datname = current_database() AND application_name LIKE ${`${WORKER_PREFIX}%`}
    GROUP BY application_name
    ORDER BY application_name`;
  return rows.map((row) => {
    const [host = "", pid = "0"] = row.application_name.slice(WORKER_PREFIX.length).split(/:(?=\d+$)/);
    return {
      host,
      pid: Number(pid),
      connections: Number(row.connections),
      connectedSince: row.since.toISOString(),
    };
  });
}

export async function findQueueBacklogs(): Promise<QueueBacklog[]> {
  const boss = await getProducerBoss(getEnv().DATABASE_URL);
  const queues = await boss.getQueues(Object.keys(QUEUES));
  return queues.map((q) => ({
    name: q.name,
    ready: q.readyCount,
    deferred: q.deferredCount,
    active: q.activeCount,
    failed: q.failedCount,
  }));
}
