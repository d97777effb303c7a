import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const DATA_DIR = path.join(PROJECT_ROOT, ".data");

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when it is set (any PostgreSQL), otherwise the embedded PostgreSQL whose data lives in
 * .data/postgres and survives restarts.
 */
export async function resolveDatabase(options: { log: (line: string) => void }): Promise<ResolvedDatabase> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    if (!URL.canParse(configured) || !/^postgres(ql)?:$/.test(new URL(configured).protocol)) {
      throw new Error("Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL");
    }
    return { url: configured, embedded: false, stop: async () => {} };
  }
  options.log("No DATABASE_URL set: starting the embedded PostgreSQL (data in .data/postgres).");
  const db = await startEmbeddedPostgres({
    dataDir: path.join(DATA_DIR, "postgres"),
    port: 54329,
    log: (line) => {
      if (/could not|copying|cannot reach|FATAL|ERROR/.test(line)) options.log(`  postgres: ${line}`);
    },
  });
  return { url: db.url, embedded: true, stop: db.stop };
}
