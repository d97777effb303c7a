import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent, SYSTEM_ACTOR, withAuditAtEnd } from "../../lib/audit/record-audit-event";
import { computeAuditHash, GENESIS_HASH } from "../../lib/audit/audit-chain";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import { createCustomerInvite } from "../../lib/onboarding/create-customer-invite";
import { transitionOnboarding } from "../../lib/onboarding/state-machine";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import type { Db } from "../../lib/db/create-db";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let wide: Db;
beforeAll(async () => {
  t = await createTestDatabase();
  // A pool as wide as one app instance's, so that concurrency reaches the database. Transactions may wait
  // as long as they need for a connection: this test is about the chain, not about latency.
  wide = new PrismaClient({
    adapter: new PrismaPg({ connectionString: t.url, max: 10 }),
    transactionOptions: { maxWait: 300_000, timeout: 300_000 },
  });
});
afterAll(async () => {
  await wide.$disconnect();
  await t.drop();
});

const operator = { type: "OPERATOR" as const, id: "ops@fabrikamcloud.onmicrosoft.com", role: "Operator" };

/** Runs the real `npm run audit:verify` script against the test database. */
function runAuditVerify() {
  const root = path.resolve(import.meta.dirname, "../..");
  // As `npm run audit:verify` runs it: lib/ modules are "server-only", empty under the react-server condition.
  const run = spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["--conditions=react-server", "scripts/audit-verify.ts"],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: t.url },
      encoding: "utf8",
    },
  );
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe("[audit] the hash chain", () => {
  it("chains each event to the one before it in its stream, inside or outside a caller's transaction", async () => {
    await recordAuditEvent(t.db, { actor: SYSTEM_ACTOR, action: "test.first", targetType: "test" });
    await t.db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: operator,
        action: "test.second",
        targetType: "test",
        details: { b: 1, a: [2] },
      }),
    );
    const [first, second] = await t.db.auditEvent.findMany({
      where: { stream: "global" },
      orderBy: { id: "asc" },
    });
    expect(first).toMatchObject({ streamSeq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ streamSeq: 2, prevHash: first!.hash });
    expect(second!.hash).toBe(computeAuditHash(first!.hash!, { ...second!, stream: "global", streamSeq: 2 }));
    // Events kept for the end of a transaction that then fails are never written.
    await expect(
      t.db.$transaction((tx) =>
        withAuditAtEnd(tx, async () => {
          await recordAuditEvent(tx, { actor: operator, action: "test.rolled_back", targetType: "test" });
          throw new Error("the change failed");
        }),
      ),
    ).rejects.toThrow("the change failed");
    expect(await t.db.auditEvent.count({ where: { action: "test.rolled_back" } })).toBe(0);
  });

  it("stays whole when 200 onboardings, 50 events of one stream and 20 transactions appending theirs at the end are written at the same time", async () => {
    const names = Array.from({ length: 200 }, (_, i) => `Concurrent ${i}`);
    await Promise.all([
      ...names.map(async (customerName) => {
        const { onboarding } = await createCustomerInvite(wide, {
          customerName,
          services: [],
          actor: operator,
          ttlDays: 14,
        });
        await wide.$transaction((tx) =>
          transitionOnboarding(tx, {
            onboardingId: onboarding.id,
            to: "SIGNED_IN",
            actor: operator,
            action: "onboarding.signed_in",
          }),
        );
      }),
      ...names.slice(0, 50).map((_, i) =>
        recordAuditEvent(wide, {
          actor: operator,
          action: "test.concurrent",
          targetType: "test",
          targetId: String(i),
        }),
      ),
      // Three events each, kept until the end of the transaction and appended together.
      ...Array.from({ length: 20 }, (_, i) =>
        wide.$transaction((tx) =>
          withAuditAtEnd(tx, async () => {
            for (const step of ["a", "b", "c"])
              await recordAuditEvent(tx, {
                actor: operator,
                action: "test.at_end",
                targetType: "test",
                targetId: `${i}${step}`,
              });
          }),
        ),
      ),
    ]);
    const atEnd = await t.db.auditEvent.findMany({
      where: { action: "test.at_end" },
      orderBy: { streamSeq: "asc" },
      select: { targetId: true, streamSeq: true },
    });
    // Each transaction's three events sit next to each other in the stream, in the order they were recorded.
    for (let i = 0; i < atEnd.length; i += 3) {
      const group = atEnd.slice(i, i + 3);
      expect(group.map((e) => e.targetId!.slice(-1))).toEqual(["a", "b", "c"]);
      expect(new Set(group.map((e) => e.targetId!.slice(0, -1))).size).toBe(1);
      expect(group[2]!.streamSeq! - group[0]!.streamSeq!).toBe(2);
    }
    const report = await verifyAuditChain(t.db);
    expect(report.firstBreak).toBeUndefined();
    expect(report.checked).toBe(2 + 50 + 60 + 200 * 2);
    expect(report.streams).toBe(201);
    const global = await t.db.auditEvent.aggregate({
      where: { stream: "global" },
      _max: { streamSeq: true },
    });
    expect(global._max.streamSeq).toBe(112);
  }, 300_000);

  it("reports an intact chain through npm run audit:verify", () => {
    const run = runAuditVerify();
    expect(run.out).toContain("Audit chain intact: 512 chained event(s) in 201 stream(s) checked");
    expect(run.status).toBe(0);
  });

  it("names the row a database owner inserted by hand with a wrong hash", async () => {
    const last = await t.db.auditEvent.findFirstOrThrow({
      where: { stream: "global" },
      orderBy: { streamSeq: "desc" },
    });
    const [forged] = await t.db.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "AuditEvent" ("actorType", action, "targetType", stream, "streamSeq", "prevHash", hash)
      VALUES ('OPERATOR', 'key.revert_approved', 'test', 'global', ${last.streamSeq! + 1}, ${last.hash}, ${"f".repeat(64)})
      RETURNING id`;
    await recordAuditEvent(t.db, { actor: SYSTEM_ACTOR, action: "test.after_forgery", targetType: "test" });

    const report = await verifyAuditChain(t.db);
    expect(report.firstBreak).toMatchObject({
      id: forged!.id,
      stream: "global",
      streamSeq: last.streamSeq! + 1,
    });
    expect(report.firstBreak!.reason).toMatch(/does not match its content/);

    const run = runAuditVerify();
    expect(run.status).toBe(1);
    expect(run.out).toContain(
      `Audit chain BROKEN at event ${forged!.id} (stream global, number ${last.streamSeq! + 1})`,
    );
  });

  it("names the first row after one that was changed or removed with the trigger switched off", async () => {
    const db = await createTestDatabase();
    try {
      for (const action of ["a.one", "a.two", "a.three"])
        await recordAuditEvent(db.db, { actor: SYSTEM_ACTOR, action, targetType: "test" });
      const rows = await db.db.auditEvent.findMany({ orderBy: { id: "asc" } });
      // Only the owner of the table can switch its trigger off (the app's role cannot: audit-append-only.test.ts).
      await db.owner.$executeRawUnsafe(
        `ALTER TABLE "AuditEvent" DISABLE TRIGGER "audit_event_no_update_delete"`,
      );
      await db.owner
        .$executeRaw`UPDATE "AuditEvent" SET "actorId" = 'someone-else' WHERE id = ${rows[2]!.id}`;
      expect((await verifyAuditChain(db.db)).firstBreak).toMatchObject({ id: rows[2]!.id });
      await db.owner.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${rows[0]!.id}`;
      const broken = (await verifyAuditChain(db.db)).firstBreak;
      expect(broken).toMatchObject({ id: rows[1]!.id, streamSeq: 2 });
      expect(broken!.reason).toMatch(/missing or was inserted/);
    } finally {
      await db.drop();
    }
  });

  it("still refuses UPDATE and DELETE from the app", async () => {
    const row = await t.db.auditEvent.findFirstOrThrow({ where: { stream: "global" } });
    await expect(
      t.db.auditEvent.update({ where: { id: row.id }, data: { hash: GENESIS_HASH } }),
    ).rejects.toThrow(/permission denied for table AuditEvent/);
    await expect(t.db.auditEvent.delete({ where: { id: row.id } })).rejects.toThrow(
      /permission denied for table AuditEvent/,
    );
  });
});
