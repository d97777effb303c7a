import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAtScale } from "../../prisma/seed/seed-at-scale";
import { createTestDatabase } from "./helpers/db";

// The console's exact totals come from "RowCount", kept by statement triggers (migration *_row_count_triggers).
// Each test compares them with a real count after a kind of write.
let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedAtScale(t.ownerUrl, {
    customers: 60,
    verifiedKeys: 30,
    resources: 90,
    jobs: 0,
    auditEvents: 60,
    detailEvents: 5,
  });
}, 60_000);
afterAll(() => t.drop());

async function kept(): Promise<Record<string, number>> {
  const rows = await t.db.$queryRaw<{ tableName: string; bucket: string; count: number }[]>`
    SELECT "tableName", "bucket", "count"::int AS "count" FROM "RowCount" WHERE "count" <> 0`;
  return Object.fromEntries(rows.map((r) => [`${r.tableName}/${r.bucket}`, r.count]));
}

async function counted(): Promise<Record<string, number>> {
  const rows = await t.db.$queryRaw<{ key: string; count: number }[]>`
    SELECT 'TenantOnboarding/' || "state" AS "key", count(*)::int AS "count" FROM "TenantOnboarding" GROUP BY "state"
    UNION ALL SELECT 'IsvResource/all', count(*)::int FROM "IsvResource" HAVING count(*) > 0`;
  return Object.fromEntries(rows.map((r) => [r.key, r.count]));
}

describe("row counts kept by the database", () => {
  it("match a real count after a bulk insert", async () => {
    expect(await kept()).toEqual(await counted());
    expect((await kept())["IsvResource/all"]).toBe(90);
  });

  it("follow state changes, including several states in one statement, and ignore other updates", async () => {
    const before = await kept();
    const moved = await t.db.tenantOnboarding.updateMany({
      where: { state: { in: ["INVITED", "SIGNED_IN"] } },
      data: { state: "CONSENTED" },
    });
    expect(moved.count).toBeGreaterThan(1);
    await t.db.tenantOnboarding.updateMany({ data: { updatedAt: new Date() } });
    const after = await kept();
    expect(after).toEqual(await counted());
    expect(after["TenantOnboarding/CONSENTED"]).toBe(
      (before["TenantOnboarding/CONSENTED"] ?? 0) + moved.count,
    );
    expect(after["TenantOnboarding/INVITED"]).toBeUndefined();
  });

  it("follow deletes and inserts made through the app's role, and not what a rollback undid", async () => {
    const resource = await t.db.isvResource.findFirstOrThrow({ orderBy: { id: "asc" } });
    await t.db.isvResource.delete({ where: { id: resource.id } });
    expect((await kept())["IsvResource/all"]).toBe(89);
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.isvResource.deleteMany({});
        await tx.tenantOnboarding.updateMany({ data: { state: "REVOKED" } });
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    const { armIdKey, armId, kind, name, subscriptionId, resourceGroup, region } = resource;
    await t.db.isvResource.create({
      data: { armIdKey, armId, kind, name, subscriptionId, resourceGroup, region },
    });
    expect(await kept()).toEqual(await counted());
    expect((await kept())["IsvResource/all"]).toBe(90);
  });

  it("cannot be written by the app's role, only by the triggers", async () => {
    const before = await kept();
    await expect(
      t.db.$executeRawUnsafe(`UPDATE "RowCount" SET "count" = 0 WHERE "tableName" = 'IsvResource'`),
    ).rejects.toThrow(/permission denied for table RowCount/);
    await expect(
      t.db.$executeRawUnsafe(
        `INSERT INTO "RowCount" ("tableName", "bucket", "count") VALUES ('IsvResource', 'x', 5)`,
      ),
    ).rejects.toThrow(/permission denied for table RowCount/);
    await expect(t.db.$executeRawUnsafe(`DELETE FROM "RowCount"`)).rejects.toThrow(
      /permission denied for table RowCount/,
    );
    await expect(
      t.db.$executeRawUnsafe(`SELECT "row_count_apply"('IsvResource', ARRAY['all'], ARRAY[1000::bigint])`),
    ).rejects.toThrow(/permission denied for function row_count_apply/);
    expect(await kept()).toEqual(before);
    // ...while the app's own writes still move the counts, through the triggers.
    const resource = await t.db.isvResource.findFirstOrThrow({ orderBy: { id: "desc" } });
    await t.db.isvResource.delete({ where: { id: resource.id } });
    expect((await kept())["IsvResource/all"]).toBe(before["IsvResource/all"]! - 1);
    expect(await kept()).toEqual(await counted());
  });

  it("start again from zero after TRUNCATE (the owner's)", async () => {
    await t.owner.$executeRawUnsafe(`TRUNCATE "IsvResource" CASCADE`);
    expect((await kept())["IsvResource/all"]).toBeUndefined();
    expect(await kept()).toEqual(await counted());
  });
});
