import "server-only";
import { getDb } from "@/lib/db/client";
import { findPendingMigrations } from "@/lib/db/migrate";
import { getCloud, getEnv } from "@/lib/env";

export interface HealthCheck {
  name: "database" | "migrations" | "emulator";
  ok: boolean;
  detail: string;
  ms: number;
}

export interface Health {
  status: "healthy" | "unhealthy";
  cloud: string;
  checks: HealthCheck[];
}

/** What /api/health reports: the database answers, its migrations are current, the emulator is up (if used). */
export async function getHealth(): Promise<Health> {
  const checks = await Promise.all([
    checkDatabase(),
    checkMigrations(),
    ...(getCloud().name === "emulator" ? [checkEmulator()] : []),
  ]);
  return { status: checks.every((c) => c.ok) ? "healthy" : "unhealthy", cloud: getCloud().name, checks };
}

async function timed(name: HealthCheck["name"], fn: () => Promise<string>): Promise<HealthCheck> {
  const start = performance.now();
  try {
    const detail = await fn();
    return { name, ok: true, detail, ms: Math.round(performance.now() - start) };
  } catch (error) {
    // fetch() hides the reason (refused, TLS, DNS) in `cause`; the operator needs it.
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const detail = (error instanceof Error ? error.message : String(error)) + cause;
    return { name, ok: false, detail, ms: Math.round(performance.now() - start) };
  }
}

function checkDatabase() {
  return timed("database", async () => {
    await getDb().$queryRaw`SELECT 1`;
    return "reachable";
  });
}

function checkMigrations() {
  return timed("migrations", async () => {
    const pending = await findPendingMigrations(getEnv().DATABASE_URL);
    if (pending.length > 0) throw new Error(`pending: ${pending.join(", ")} (run npm run db:migrate)`);
    return "current";
  });
}

function checkEmulator() {
  return timed("emulator", async () => {
    const url = new URL("/_emulator/health", getEnv().EMULATOR_URL);
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`${url.origin} answered ${response.status}`);
    return `reachable at ${url.origin}`;
  });
}
