import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
/** Where the demo keeps its database, secrets and invite links: `.data`, or CROSSKEY_DATA_DIR (tests use a fresh one). */
export const DATA_DIR = process.env.CROSSKEY_DATA_DIR
  ? path.resolve(process.env.CROSSKEY_DATA_DIR)
  : path.join(PROJECT_ROOT, ".data");

export interface ResolvedDatabase {
  /** What the app and the worker connect as (DATABASE_URL). */
  url: string;
  /** What migrations run as: MIGRATION_DATABASE_URL, else DATABASE_URL (docs/database.md, "Roles"). */
  migrationUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when it is set (any PostgreSQL; migrations as MIGRATION_DATABASE_URL when that is set too),
 * otherwise the embedded PostgreSQL whose data lives in .data/postgres and survives restarts: migrations run as
 * its superuser, the app as the least-privileged `crosskey_app`.
 */
export async function resolveDatabase(options: { log: (line: string) => void }): Promise<ResolvedDatabase> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    const migration = process.env.MIGRATION_DATABASE_URL || configured;
    for (const [name, value] of [
      ["DATABASE_URL", configured],
      ["MIGRATION_DATABASE_URL", migration],
    ] as const) {
      if (!URL.canParse(value) || !/^postgres(ql)?:$/.test(new URL(value).protocol)) {
        throw new Error(`Invalid configuration: ${name} must be a postgres:// or postgresql:// URL`);
      }
    }
    return { url: configured, migrationUrl: migration, embedded: false, stop: async () => {} };
  }
  if (process.env.MIGRATION_DATABASE_URL) {
    throw new Error("Invalid configuration: MIGRATION_DATABASE_URL is set but DATABASE_URL is not");
  }
  options.log("No DATABASE_URL set: starting the embedded PostgreSQL (data in .data/postgres).");
  const db = await startEmbeddedPostgres({
    dataDir: path.join(DATA_DIR, "postgres"),
    port: 54329,
    log: (line) => {
      if (/could not|copying|cannot reach|FATAL|ERROR/.test(line)) options.log(`  postgres: ${line}`);
    },
  });
  return { url: db.url, migrationUrl: db.ownerUrl, embedded: true, stop: db.stop };
}
