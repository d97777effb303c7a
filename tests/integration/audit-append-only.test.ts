import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent, SYSTEM_ACTOR } from "../../lib/audit/record-audit-event";
import { startBoss } from "../../lib/jobs/boss";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const PERMISSION_DENIED = /permission denied for table AuditEvent/;
const NOT_OWNER = /must be owner of (table|relation) AuditEvent/;

describe("[audit] the audit table is append-only in the database itself", () => {
  it("accepts new events from the app's role", async () => {
    const event = await t.db.auditEvent.create({
      data: { actorType: "SYSTEM", action: "test.recorded", targetType: "test", details: { n: 1 } },
    });
    expect(event.id).toBeGreaterThan(0n);
    // The chained writer too: its per-stream advisory lock and its read of the stream's head.
    await recordAuditEvent(t.db, { actor: SYSTEM_ACTOR, action: "test.chained", targetType: "test" });
    await recordAuditEvent(t.db, { actor: SYSTEM_ACTOR, action: "test.chained", targetType: "test" });
    expect(await t.db.auditEvent.count({ where: { action: "test.chained" } })).toBe(2);
  });

  it("rejects UPDATE, DELETE and TRUNCATE even from the table's owner (the trigger)", async () => {
    const event = await t.db.auditEvent.create({
      data: { actorType: "SYSTEM", action: "test.keep", targetType: "test" },
    });
    await expect(
      t.owner.auditEvent.update({ where: { id: event.id }, data: { action: "test.changed" } }),
    ).rejects.toThrow(/append-only/);
    await expect(t.owner.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(t.owner.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(t.owner.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(t.owner.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE/);
    const still = await t.db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(still.action).toBe("test.keep");
  });

  it("refuses the app's role UPDATE, DELETE, TRUNCATE, and switching off or dropping the trigger", async () => {
    const event = await t.db.auditEvent.create({
      data: { actorType: "SYSTEM", action: "test.keep", targetType: "test" },
    });
    await expect(
      t.db.auditEvent.update({ where: { id: event.id }, data: { action: "test.changed" } }),
    ).rejects.toThrow(PERMISSION_DENIED);
    await expect(t.db.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(PERMISSION_DENIED);
    await expect(t.db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toThrow(
      PERMISSION_DENIED,
    );
    await expect(t.db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(t.db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(PERMISSION_DENIED);
    for (const ddl of [
      `DROP TRIGGER "audit_event_no_update_delete" ON "AuditEvent"`,
      `DROP TRIGGER "audit_event_no_truncate" ON "AuditEvent"`,
      `ALTER TABLE "AuditEvent" DISABLE TRIGGER "audit_event_no_update_delete"`,
      `ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`,
      `ALTER TABLE "AuditEvent" OWNER TO crosskey_app`,
      `ALTER TABLE "AuditEvent" RENAME TO "AuditEventOld"`,
      `DROP TABLE "AuditEvent"`,
    ])
      await expect(t.db.$executeRawUnsafe(ddl), ddl).rejects.toThrow(NOT_OWNER);
    await expect(
      t.db.$executeRawUnsafe(`DROP FUNCTION "audit_event_is_append_only"() CASCADE`),
    ).rejects.toThrow(/must be owner of function/);
    await expect(
      t.db.$executeRawUnsafe(`CREATE TABLE "Shadow" (id int)`),
      "the app may not create objects in public",
    ).rejects.toThrow(/permission denied for schema public/);
    const still = await t.db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(still.action).toBe("test.keep");
    const triggers = await t.owner.$queryRaw<{ tgname: string; tgenabled: string }[]>`
      SELECT tgname::text, tgenabled::text FROM pg_trigger WHERE tgrelid = '"AuditEvent"'::regclass ORDER BY tgname`;
    expect(triggers).toEqual([
      { tgname: "audit_event_no_truncate", tgenabled: "O" },
      { tgname: "audit_event_no_update_delete", tgenabled: "O" },
    ]);
  });
});

describe("[db] the app's role owns nothing in public and has only what it needs", () => {
  it("is not a superuser, cannot create roles or databases, and owns no table, sequence or function", async () => {
    const [me] = await t.db.$queryRaw<
      {
        rolname: string;
        rolsuper: boolean;
        rolcreaterole: boolean;
        rolcreatedb: boolean;
        rolbypassrls: boolean;
      }[]
    >`SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
    expect(me).toEqual({
      rolname: "crosskey_app",
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
    });
    const owned = await t.db.$queryRaw<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND pg_has_role(current_user, c.relowner, 'USAGE')
      UNION ALL
      SELECT p.proname FROM pg_proc p
       WHERE p.pronamespace = 'public'::regnamespace AND pg_has_role(current_user, p.proowner, 'USAGE')`;
    expect(owned).toEqual([]);
  });

  it("may read and write every table but may only add to and read the audit trail and read migrations and counts", async () => {
    const rows = await t.db.$queryRaw<{ name: string; privileges: string }[]>`
      SELECT c.relname AS name,
             concat_ws(',',
               CASE WHEN has_table_privilege(c.oid, 'SELECT') THEN 'SELECT' END,
               CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
               CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
               CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
               CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
               CASE WHEN has_table_privilege(c.oid, 'TRIGGER') THEN 'TRIGGER' END,
               CASE WHEN has_table_privilege(c.oid, 'REFERENCES') THEN 'REFERENCES' END) AS privileges
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`;
    expect(rows.length).toBeGreaterThan(10);
    const unexpected = rows.filter(
      (r) =>
        r.privileges !==
        (r.name === "AuditEvent"
          ? "SELECT,INSERT"
          : r.name === "_prisma_migrations" || r.name === "RowCount"
            ? "SELECT"
            : "SELECT,INSERT,UPDATE,DELETE"),
    );
    expect(unexpected).toEqual([]);
  });

  it("installs pg-boss in the schema the migrations made for it, and may create no other schema", async () => {
    await expect(t.db.$executeRawUnsafe(`CREATE SCHEMA "elsewhere"`)).rejects.toThrow(/permission denied/);
    const boss = await startBoss(t.url, "producer");
    try {
      const jobId = await boss.send("verify-key", { keyId: "00000000-0000-4000-8000-000000000000" });
      expect(jobId).toBeTruthy();
    } finally {
      await boss.stop({ graceful: false });
    }
    const [owners] = await t.db.$queryRaw<{ tables: number; notMine: number }[]>`
      SELECT count(*)::int AS tables, count(*) FILTER (WHERE NOT pg_has_role(current_user, c.relowner, 'USAGE'))::int AS "notMine"
        FROM pg_class c WHERE c.relnamespace = 'pgboss'::regnamespace AND c.relkind IN ('r', 'p')`;
    expect(owners!.tables).toBeGreaterThan(3);
    expect(owners!.notMine).toBe(0);
  });
});
