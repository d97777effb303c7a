import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, createDatabase } from "../../../scripts/lib/embedded-postgres";
import { migrateDatabase } from "../../../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One real PostgreSQL for the integration run: started here, migrated once into a template database
 * that every test file clones (CREATE DATABASE … TEMPLATE), so files never see each other's rows.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-it-"));
  await fs.chmod(dir, 0o755);
  const pg = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, database: "postgres" });
  const adminUrl = external ?? pg!.url;
  const template = `crosskey_template_${process.pid}`;
  const templateUrl = await createDatabase(adminUrl, template);
  await migrateDatabase(templateUrl);
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", template);
  return async () => {
    await pg?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
