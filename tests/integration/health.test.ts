import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmptyDatabase, createTestDatabase } from "./helpers/db";

/**
 * Health runs in the app's module context (getDb/getEnv read DATABASE_URL once), so each case loads a fresh
 * copy of the module after pointing the environment at the database it should see.
 */
async function readinessFor(databaseUrl: string) {
  vi.resetModules();
  process.env.DATABASE_URL = databaseUrl;
  process.env.AZURE_CLOUD = "public"; // no emulator check: this file has no emulator
  const { getReadiness } = await import("../../lib/health/get-health");
  return getReadiness("req-health-test");
}

async function detailsFor(databaseUrl: string) {
  vi.resetModules();
  delete (globalThis as { crosskeyDb?: unknown }).crosskeyDb;
  process.env.DATABASE_URL = databaseUrl;
  process.env.AZURE_CLOUD = "public";
  const { getHealthDetails } = await import("../../lib/health/get-health");
  return getHealthDetails("req-health-test");
}

const databases: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  delete (globalThis as { crosskeyDb?: unknown }).crosskeyDb;
  for (const d of databases) await d.drop();
});

describe("health", () => {
  let migratedUrl = "";
  let ownerUrl = "";
  beforeAll(async () => {
    const t = await createTestDatabase();
    databases.push(t);
    migratedUrl = t.url;
    ownerUrl = t.ownerUrl;
  });

  it("warns an operator when the app runs as the schema's owner, who could switch the audit trigger off", async () => {
    const asApp = await detailsFor(migratedUrl);
    expect(asApp.status).toBe("healthy");
    expect(asApp.warnings).toEqual([]);

    const asOwner = await detailsFor(ownerUrl);
    // Still serving: a warning, not a readiness failure.
    expect(asOwner.status).toBe("healthy");
    expect(asOwner.warnings.map((w) => [w.name, w.ok])).toEqual([["audit-log", false]]);
    expect(asOwner.warnings[0]!.detail).toMatch(/owns or may change the audit table.*MIGRATION_DATABASE_URL/);
  });

  it("is healthy on a migrated database", async () => {
    const readiness = await readinessFor(migratedUrl);
    expect(readiness.status).toBe("healthy");
    expect(readiness.checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ["database", true, "reachable"],
      ["migrations", true, "current"],
    ]);
  });

  it("counts pending migrations without naming them", async () => {
    delete (globalThis as { crosskeyDb?: unknown }).crosskeyDb;
    const empty = await createEmptyDatabase();
    databases.push(empty);
    const readiness = await readinessFor(empty.url);
    expect(readiness.status).toBe("unhealthy");
    const migrations = readiness.checks.find((c) => c.name === "migrations")!;
    expect(migrations.ok).toBe(false);
    expect(migrations.detail).toMatch(/^\d+ pending \(run npm run db:migrate\)$/);
    expect(JSON.stringify(readiness)).not.toMatch(/init|audit_append_only|cmk_jobs|2026/);
  });

  it("says a database is unreachable without its error text, host or credentials", async () => {
    delete (globalThis as { crosskeyDb?: unknown }).crosskeyDb;
    // A port nothing listens on: the driver's error names the address; none of it may reach the answer.
    const readiness = await readinessFor("postgresql://crosskey_user:s3cret-pw@127.0.0.1:1/crosskey_db");
    expect(readiness.status).toBe("unhealthy");
    const text = JSON.stringify(readiness);
    expect(readiness.checks.find((c) => c.name === "database")?.detail).toBe(
      "unreachable (see the log for request req-health-test)",
    );
    for (const secret of ["s3cret", "crosskey_user", "127.0.0.1", "ECONNREFUSED", "crosskey_db"])
      expect(text).not.toContain(secret);
  });
});
