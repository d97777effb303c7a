import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationError, migrateDatabase, findPendingMigrations, readMigrations } from "../../lib/db/migrate";
import { diffEmptyToSchema } from "../../scripts/lib/prisma-diff";
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
