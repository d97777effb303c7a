import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "../../../lib/db/create-db";
import { withDatabase } from "../../../scripts/lib/embedded-postgres";

/**
 * A fresh database for one test file, cloned from the migrated template. `url` and `db` connect as the app's
 * role (`crosskey_app`), as the app does in production; `ownerUrl` and `owner` as the owner of the schema, for
 * what only an owner may do (switching the audit trigger off to simulate tampering, say).
 */
export async function createTestDatabase(): Promise<{
  url: string;
  db: Db;
  ownerUrl: string;
  owner: Db;
  drop(): Promise<void>;
}> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `crosskey_test_${crypto.randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  const url = withDatabase(inject("postgresAppUrl"), name);
  const ownerUrl = withDatabase(adminUrl, name);
  const db = createDb(url, 4);
  const owner = createDb(ownerUrl, 2);
  return {
    url,
    db,
    ownerUrl,
    owner,
    async drop() {
      await db.$disconnect();
      await owner.$disconnect();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** An empty database (no migrations), for tests of the migration runner itself. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `crosskey_empty_${crypto.randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
