import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("[audit] the audit table is append-only in the database itself", () => {
  it("accepts new events", async () => {
    const event = await t.db.auditEvent.create({
      data: { actorType: "SYSTEM", action: "test.recorded", targetType: "test", details: { n: 1 } },
    });
    expect(event.id).toBeGreaterThan(0n);
  });

  it("rejects UPDATE, DELETE and TRUNCATE whoever sends them", async () => {
    const event = await t.db.auditEvent.create({
      data: { actorType: "SYSTEM", action: "test.keep", targetType: "test" },
    });
    await expect(
      t.db.auditEvent.update({ where: { id: event.id }, data: { action: "test.changed" } }),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(t.db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only: DELETE/);
    await expect(t.db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE/);
    const still = await t.db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(still.action).toBe("test.keep");
  });
});
