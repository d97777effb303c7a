import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "../../lib/audit/record-audit-event";
import { auditFilterSchema, findAuditEvents } from "../../lib/audit/find-audit-events";
import { exportAuditCsv } from "../../lib/audit/export-audit-csv";
import { seedCustomerInvite } from "../../prisma/seed/factories";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let a: string;
let b: string;
const alice = { type: "OPERATOR" as const, id: "alice@fabrikamcloud.onmicrosoft.com", role: "Operator" };
const bob = { type: "OPERATOR" as const, id: "bob@fabrikamcloud.onmicrosoft.com", role: "Support" };

beforeAll(async () => {
  t = await createTestDatabase();
  a = (await seedCustomerInvite(t.db, { name: "Browser A" })).customer.id;
  b = (await seedCustomerInvite(t.db, { name: "Browser B" })).customer.id;
  for (let i = 0; i < 30; i++) {
    await recordAuditEvent(t.db, {
      actor: i % 2 ? alice : bob,
      action: i % 3 ? "cmk.apply_requested" : "key.verified",
      targetType: "resource",
      targetId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st${i % 5}`,
      customerId: i % 2 ? a : b,
      details: { i, note: i === 7 ? "=cmd|' /C calc'!A0" : "plain, with a comma" },
    });
  }
});
afterAll(() => t.drop());

const all = async (filter: object) => {
  const ids: bigint[] = [];
  let before: bigint | undefined;
  for (;;) {
    const page = await findAuditEvents(t.db, {
      filter: auditFilterSchema.parse(filter),
      cursor: { before },
      pageSize: 7,
    });
    ids.push(...page.events.map((e) => e.id));
    if (!page.olderThan) return ids;
    before = page.olderThan;
  }
};

describe("[audit] the audit browser", () => {
  it("walks every matching event once, newest first, page by page", async () => {
    const ids = await all({});
    expect(ids.length).toBe(32); // two invites and thirty events
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((x, y) => (x < y ? 1 : -1))).toEqual(ids);
  });

  it("goes back to newer pages without repeating or skipping", async () => {
    const filter = auditFilterSchema.parse({});
    const first = await findAuditEvents(t.db, { filter, pageSize: 7 });
    const second = await findAuditEvents(t.db, { filter, cursor: { before: first.olderThan }, pageSize: 7 });
    const back = await findAuditEvents(t.db, { filter, cursor: { after: second.newerThan }, pageSize: 7 });
    expect(back.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(back.newerThan).toBeUndefined();
    expect(first.newerThan).toBeUndefined();
  });

  it("filters by customer, actor, action start, resource and time", async () => {
    expect((await all({ customer: a })).length).toBe(15 + 1);
    expect((await all({ customer: a, actor: bob.id })).length).toBe(0);
    expect((await all({ actor: alice.id })).length).toBe(15);
    expect((await all({ action: "key." })).length).toBe(10);
    expect((await all({ action: "key.verified", customer: b })).length).toBe(5);
    expect(
      (
        await all({
          resource: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st0",
        })
      ).length,
    ).toBe(6);
    expect((await all({ to: "2000-01-01T00:00" })).length).toBe(0);
    expect((await all({ from: "2000-01-01T00:00", to: "2999-01-01T00:00:00" })).length).toBe(32);
    const page = await findAuditEvents(t.db, {
      filter: auditFilterSchema.parse({ customer: a }),
      pageSize: 1,
    });
    expect(page.customerNames.get(a)).toBe("Browser A");
  });

  it("refuses malformed filters before any query", () => {
    expect(auditFilterSchema.safeParse({ customer: "not-a-guid" }).success).toBe(false);
    expect(auditFilterSchema.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(auditFilterSchema.safeParse({ actor: "x".repeat(400) }).success).toBe(false);
    expect(auditFilterSchema.parse({ customer: "", action: " " })).toEqual({});
  });

  it("exports the filtered log as CSV in batches, oldest first, quoted as RFC 4180", async () => {
    const chunks: string[] = [];
    for await (const chunk of exportAuditCsv(t.db, auditFilterSchema.parse({ customer: a })))
      chunks.push(chunk);
    const lines = chunks.join("").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,occurredAt,customerId,onboardingId,actorType,actorId,actorRole,action,outcome,targetType,targetId,requestId,details,stream,streamSeq,prevHash,hash",
    );
    expect(lines.length).toBe(1 + 16);
    expect(lines[1]).toContain("invite.created");
    expect(lines.every((l, i) => i === 0 || l.includes(a))).toBe(true);
    expect(chunks.join("")).toContain('"{""i"":1,""note"":""plain, with a comma""}"');
    expect(chunks.join("")).toContain(`customer:${a}`);
  });
});
