import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { afterEach, describe, expect, inject, it } from "vitest";
import { MigrationError, migrateDatabase, findPendingMigrations, readMigrations } from "../../lib/db/migrate";
import { diffEmptyToSchema } from "../../scripts/lib/prisma-diff";
import { withDatabase } from "../../scripts/lib/embedded-postgres";
import { createEmptyDatabase } from "./helpers/db";
import { schemaFingerprint } from "./helpers/schema-fingerprint";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDb() {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  return db.url;
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("[db] migrations", () => {
  it("applies every migration once, records it as Prisma does, and is a no-op when re-run", async () => {
    const url = await emptyDb();
    const all = (await readMigrations()).map((m) => m.name);
    expect(await findPendingMigrations(url)).toEqual(all);

    const first = await migrateDatabase(url);
    expect(first.applied).toEqual(all);
    const second = await migrateDatabase(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(all);
    expect(await findPendingMigrations(url)).toEqual([]);

    const rows = await query(
      url,
      `SELECT migration_name, finished_at IS NOT NULL AS done, length(checksum) AS len FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(all.map((name) => ({ migration_name: name, done: true, len: 64 })));
  });

  it("rolls a failing migration back entirely and names its file", async () => {
    const url = await emptyDb();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-mig-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await writeMigration(dir, "001_good", `CREATE TABLE "Good" (id int);`);
    await writeMigration(
      dir,
      "002_bad",
      `CREATE TABLE "Half" (id int);\nALTER TABLE "Missing" ADD COLUMN x int;`,
    );

    const failure = await migrateDatabase(url, dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).message).toContain("002_bad/migration.sql");
    expect((failure as MigrationError).message).toMatch(/"Missing" does not exist/);

    const tables = await query(
      url,
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(["Good", "_prisma_migrations"]);
    expect(await findPendingMigrations(url, dir)).toEqual(["002_bad"]);
  });

  it("refuses to continue when an applied migration file was edited afterwards", async () => {
    const url = await emptyDb();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-mig-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await writeMigration(dir, "001_one", `CREATE TABLE "One" (id int);`);
    await migrateDatabase(url, dir);
    await writeMigration(dir, "001_one", `CREATE TABLE "One" (id bigint);`);
    await expect(migrateDatabase(url, dir)).rejects.toThrow(/001_one.*changed after it was applied/);
  });

  it("hands a pg-boss install made before the app's role existed to that role", async () => {
    const url = await emptyDb();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-mig-"));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const all = await readMigrations();
    const appRole = all.findIndex((m) => m.name.endsWith("_app_role"));
    expect(appRole).toBeGreaterThan(0);
    for (const m of all.slice(0, appRole)) await writeMigration(dir, m.name, m.sql);
    await migrateDatabase(url, dir);
    // As the demo's database was: pg-boss installed and used by the owner, with a job waiting.
    const before = new PgBoss({ connectionString: url, supervise: false, schedule: false });
    await before.start();
    await before.createQueue("verify-key");
    const waiting = await before.send("verify-key", { keyId: "k" });
    await before.stop({ graceful: false });

    await migrateDatabase(url);
    const app = new PgBoss({
      connectionString: withDatabase(inject("postgresAppUrl"), new URL(url).pathname.slice(1)),
      createSchema: false,
      supervise: false,
      schedule: false,
    });
    await app.start();
    try {
      expect((await app.fetch("verify-key"))?.map((j) => j.id)).toEqual([waiting]);
      await app.createQueue("apply-cmk");
      expect(await app.send("apply-cmk", { jobId: "j" })).toBeTruthy();
    } finally {
      await app.stop({ graceful: false });
    }
    const notTheApps = await query(
      url,
      `SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'pgboss'::regnamespace AND c.relkind IN ('r','p')
          AND NOT pg_has_role('crosskey_app', c.relowner, 'USAGE')`,
    );
    expect(notTheApps).toEqual([]);
  });

  it("describes the same database as schema.prisma", async () => {
    const migrated = await emptyDb();
    await migrateDatabase(migrated);
    const fromSchema = await emptyDb();
    await query(fromSchema, await diffEmptyToSchema(fromSchema));

    const [a, b] = await Promise.all([schemaFingerprint(migrated), schemaFingerprint(fromSchema)]);
    expect(a.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  }, 120_000);
});

async function writeMigration(dir: string, name: string, sql: string) {
  await fs.mkdir(path.join(dir, name), { recursive: true });
  await fs.writeFile(path.join(dir, name, "migration.sql"), sql);
}
