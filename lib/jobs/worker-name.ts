import "server-only";
import os from "node:os";

export const WORKER_APPLICATION_PREFIX = "crosskey-worker:";

/**
 * The `application_name` a worker process gives every database connection, so operators (and /api/health)
 * can list live workers from `pg_stat_activity`. PostgreSQL keeps 63 bytes: the host name is cut to fit.
 */
export function workerApplicationName(host = os.hostname(), pid = process.pid): string {
  const suffix = `:${pid}`;
  const room = 63 - WORKER_APPLICATION_PREFIX.length - suffix.length;
  return `${WORKER_APPLICATION_PREFIX}${host.slice(0, room)}${suffix}`;
}
