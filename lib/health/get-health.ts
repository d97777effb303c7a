import "server-only";
import { getDb } from "@/lib/db/client";
import { findPendingMigrations } from "@/lib/db/migrate";
import { getCloud, getEnv } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { findWorkers, findQueueBacklogs, type QueueBacklog, type WorkerProcess } from "./find-workers";

/**
 * One readiness check. `detail` is fixed wording chosen here, never an error's text: database errors carry
 * host names, user names and SQL, and migration names describe the schema. The full error goes to the log.
 */
export interface HealthCheck {
  name: "database" | "migrations" | "emulator" | "audit-log";
  ok: boolean;
  detail: string;
  ms: number;
}

export interface Readiness {
  status: "healthy" | "unhealthy";
  checks: HealthCheck[];
}

/**
 * The operator view: readiness, the worker processes connected to the database, each queue's backlog, and
 * warnings: what does not stop this instance from serving but an operator must fix (not part of readiness).
 */
export interface HealthDetails extends Readiness {
  cloud: string;
  warnings: HealthCheck[];
  workers: WorkerProcess[];
  queues: QueueBacklog[];
}

/** Readiness: this instance can serve (database reachable, migrations current, the emulator up if used). */
export async function getReadiness(requestId?: string): Promise<Readiness> {
  const checks = await Promise.all([
    timed("database", requestId, "unreachable", async () => {
      await getDb().$queryRaw`SELECT 1`;
      return "reachable";
    }),
    timed("migrations", requestId, "could not be read", async () => {
      const pending = await findPendingMigrations(getEnv().DATABASE_URL);
      if (pending.length > 0) throw new KnownFailure(`${pending.length} pending (run npm run db:migrate)`);
      return "current";
    }),
    ...(getCloud().name === "emulator"
      ? [
          timed("emulator", requestId, "unreachable", async () => {
            const url = new URL("/_emulator/health", getEnv().EMULATOR_URL);
            const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
            if (!response.ok) throw new KnownFailure(`answered HTTP ${response.status}`);
            return "reachable";
          }),
        ]
      : []),
  ]);
  return { status: checks.every((c) => c.ok) ? "healthy" : "unhealthy", checks };
}

export async function getHealthDetails(requestId?: string): Promise<HealthDetails> {
  const [readiness, workers, queues, auditLog] = await Promise.all([
    getReadiness(requestId),
    findWorkers().catch((error: unknown) => logged(error, requestId, "workers", [])),
    findQueueBacklogs().catch((error: unknown) => logged(error, requestId, "queues", [])),
    timed("audit-log", requestId, "could not be checked", checkAuditLogGuard),
  ]);
  const warnings = auditLog.ok ? [] : [auditLog];
  return { ...readiness, cloud: getCloud().name, warnings, workers, queues };
}

/**
 * The audit log is append-only for the app only when the app's database role cannot change it: a role that
 * owns the table can disable or drop the trigger (docs/database.md, "Roles"). That is the case when migrations
 * ran as DATABASE_URL because MIGRATION_DATABASE_URL was not set: fine for a throw-away database, not for
 * production, so the operator view says so.
 */
async function checkAuditLogGuard(): Promise<string> {
  const [row] = await getDb().$queryRaw<{ owns: boolean; can_update: boolean }[]>`
    SELECT pg_has_role(current_user, c.relowner, 'USAGE') AS owns,
           has_table_privilege(c.oid, 'UPDATE') AS can_update
    FROM pg_class c
    WHERE c.oid = to_regclass('"AuditEvent"')`;
  if (!row) throw new KnownFailure("no audit table (run npm run db:migrate)");
  if (row.owns || row.can_update)
    throw new KnownFailure(
      "not protected: the app's database role owns or may change the audit table. Run migrations as the " +
        "schema's owner (MIGRATION_DATABASE_URL) and the app as crosskey_app (docs/database.md, Roles)",
    );
  return "append-only for the app's database role";
}

/** A failure whose message was written here and is safe to show to an operator. */
class KnownFailure extends Error {}

async function timed(
  name: HealthCheck["name"],
  requestId: string | undefined,
  failedDetail: string,
  fn: () => Promise<string>,
): Promise<HealthCheck> {
  const start = performance.now();
  const ms = () => Math.round(performance.now() - start);
  try {
    return { name, ok: true, detail: await fn(), ms: ms() };
  } catch (error) {
    if (error instanceof KnownFailure) return { name, ok: false, detail: error.message, ms: ms() };
    logged(error, requestId, name, undefined);
    return {
      name,
      ok: false,
      detail: `${failedDetail} (see the log for request ${requestId ?? "-"})`,
      ms: ms(),
    };
  }
}

function logged<T>(error: unknown, requestId: string | undefined, check: string, fallback: T): T {
  getLogger().warn({ err: error, requestId, check }, "health check failed");
  return fallback;
}
