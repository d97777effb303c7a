import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCustomers, findCustomersSql } from "../../lib/customers/find-customers";
import { COUNT_CAP } from "../../lib/db/counts";
import { decodeCursor, PAGE_SIZE, type PageRequest } from "../../lib/db/keyset";
import type { Prisma } from "../../lib/generated/prisma/client";
import {
  findOnboardings,
  funnelSql,
  onboardingCountSql,
  onboardingPageSql,
  type OnboardingFilters,
} from "../../lib/onboarding/find-onboardings";
import { findKeyHealth } from "../../lib/key-health/list-key-health";
import { findTimeline, timelineCountSql, timelinePageSql } from "../../lib/onboarding/get-onboarding-detail";
import {
  findResources,
  resourceCountSql,
  resourcePageSql,
  type ResourceFilters,
} from "../../lib/resources/find-resources";
import { seedAtScale } from "../../prisma/seed/seed-at-scale";
import { createTestDatabase } from "./helpers/db";

// Enough rows that the planner prefers an index only where one really serves the query.
const VOLUMES = {
  customers: 20_000,
  verifiedKeys: 12_000,
  resources: 50_000,
  jobs: 60_000,
  auditEvents: 100_000,
  detailEvents: 2_000,
};
const BIG_TABLES = [
  "Customer",
  "Invite",
  "TenantOnboarding",
  "CustomerKey",
  "IsvResource",
  "Job",
  "AuditEvent",
];

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let detailOnboardingId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  ({ detailOnboardingId } = await seedAtScale(t.ownerUrl, VOLUMES));
}, 240_000);
afterAll(() => t.drop());

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Sort Space Type"?: string;
  Plans?: PlanNode[];
};

function* nodes(plan: PlanNode): Generator<PlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodes(child);
}

/** Runs the query under EXPLAIN ANALYZE and lists what would not hold at scale. */
async function planProblems(query: Prisma.Sql): Promise<string[]> {
  const [row] = await t.db.$queryRawUnsafe<{ "QUERY PLAN": { Plan: PlanNode }[] }[]>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`,
    ...query.values,
  );
  const problems: string[] = [];
  for (const node of nodes(row!["QUERY PLAN"][0]!.Plan)) {
    if (node["Node Type"] === "Seq Scan" && BIG_TABLES.includes(node["Relation Name"] ?? ""))
      problems.push(`sequential scan of ${node["Relation Name"]}`);
    if (node["Sort Space Type"] === "Disk") problems.push("sort spilled to disk");
  }
  return problems;
}

const cursorKey = (encoded: string | undefined) => decodeCursor(encoded)!.key;

describe("every console list query is served by an index at scale", () => {
  const onboardingCases: [string, OnboardingFilters][] = [
    ["all", {}],
    ["by state", { state: "CONSENTED" }],
    ["by key health", { key: "VERIFIED" }],
    ["without a key", { key: "NONE" }],
    ["by customer name", { q: "Northwind 0001" }],
    ["by short name prefix", { q: "w" }],
    ["by tenant domain", { q: "tenant1234." }],
    ["by tenant id", { q: "00000000-0000-4000-8000-000000000000" }],
    ["by vault host", { q: "kv-77" }],
    ["by name and state", { q: "contoso", state: "KEY_VERIFIED" }],
    ["by name and key health", { q: "adatum 01", key: "FAILED" }],
  ];
  it.each(onboardingCases)("onboardings %s", async (_name, filters) => {
    const first = await findOnboardings(t.db, { filters, page: {} });
    const middle = first.page.rows[25];
    const key = middle ? [middle.stateChangedAt.toISOString(), middle.id] : undefined;
    expect(await planProblems(onboardingPageSql(filters, "forward", undefined, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(onboardingPageSql(filters, "forward", key, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(onboardingPageSql(filters, "backward", key, PAGE_SIZE + 1))).toEqual([]);
    if (filters.q || filters.key) expect(await planProblems(onboardingCountSql(filters))).toEqual([]);
  });

  it("the funnel", async () => {
    expect(await planProblems(funnelSql())).toEqual([]);
  });

  const resourceCases: [string, ResourceFilters][] = [
    ["all", {}],
    ["by state", { state: "DRIFTED" }],
    ["by service", { service: "SQL_SERVER" }],
    ["unassigned", { customer: "none" }],
    ["by subscription", { subscription: "00000003-0000-4000-8000-000000000000" }],
    ["by name", { q: "stscale00012" }],
    ["by ARM id", { q: "/subscriptions/00000004-0000-4000-8000-000000000000/resourcegroups/rg-4/" }],
    ["by service and state", { service: "STORAGE_ACCOUNT", state: "APPLIED" }],
  ];
  it.each(resourceCases)("resources %s", async (_name, filters) => {
    const first = await findResources(t.db, { filters, page: {} });
    const key = first.next ? cursorKey(first.next) : undefined;
    expect(await planProblems(resourcePageSql(filters, "forward", undefined, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(resourcePageSql(filters, "forward", key, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(resourcePageSql(filters, "backward", key, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(resourceCountSql(filters))).toEqual([]);
  });

  it("a resource's customer filter and the customer picker", async () => {
    const [customer] = await findCustomers(t.db, { query: "contoso", verifiedKeyOnly: true });
    expect(customer).toBeDefined();
    const filters = { customer: customer!.id };
    expect(await planProblems(resourcePageSql(filters, "forward", undefined, PAGE_SIZE + 1))).toEqual([]);
    expect(await planProblems(resourceCountSql(filters))).toEqual([]);
    for (const options of [
      { query: "con", verifiedKeyOnly: true },
      { query: "", verifiedKeyOnly: true },
      { query: "fabrikam 00", verifiedKeyOnly: false },
    ])
      expect(await planProblems(findCustomersSql(options))).toEqual([]);
  });

  it("a timeline, newest first", async () => {
    const first = await findTimeline(t.db, { onboardingId: detailOnboardingId, page: {} });
    const key = cursorKey(first.next);
    expect(await planProblems(timelinePageSql(detailOnboardingId, "forward", undefined, 51))).toEqual([]);
    expect(await planProblems(timelinePageSql(detailOnboardingId, "forward", key, 51))).toEqual([]);
    expect(await planProblems(timelinePageSql(detailOnboardingId, "backward", key, 51))).toEqual([]);
    expect(await planProblems(timelineCountSql(detailOnboardingId))).toEqual([]);
  });
});

describe("paging, searching and filtering", () => {
  async function walk<T>(
    fetch: (
      page: PageRequest,
    ) => Promise<{ rows: T[]; next?: string; from: number; to: number; total: number }>,
    pages: number,
  ) {
    const seen: T[] = [];
    let request: PageRequest = {};
    for (let i = 0; i < pages; i++) {
      const page = await fetch(request);
      expect(page.from).toBe(seen.length + 1);
      seen.push(...page.rows);
      expect(page.to).toBe(seen.length);
      if (!page.next) break;
      request = { after: decodeCursor(page.next) };
    }
    return seen;
  }

  it("onboardings come newest first, page after page, with no row twice, and back again", async () => {
    const rows = await walk((page) => findOnboardings(t.db, { filters: {}, page }).then((r) => r.page), 3);
    expect(rows).toHaveLength(3 * PAGE_SIZE);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const times = rows.map((r) => r.stateChangedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const third = await findOnboardings(t.db, {
      filters: {},
      page: { after: { key: [rows[99]!.stateChangedAt.toISOString(), rows[99]!.id], offset: 100 } },
    });
    expect(third.page.rows[0]!.id).toBe(rows[100]!.id);
    const back = await findOnboardings(t.db, {
      filters: {},
      page: { before: decodeCursor(third.page.prev) },
    });
    // "Previous" from the third page is the second page again.
    expect(back.page.rows.map((r) => r.id)).toEqual(rows.slice(50, 100).map((r) => r.id));
    expect(back.page.from).toBe(51);
  });

  it("the total follows the filters, and the funnel adds up to every onboarding", async () => {
    const all = await findOnboardings(t.db, { filters: {}, page: {} });
    expect(all.page.total).toBe(VOLUMES.customers);
    expect(Object.values(all.funnel).reduce((a, b) => a + b, 0)).toBe(VOLUMES.customers);
    const verified = await findOnboardings(t.db, { filters: { key: "VERIFIED" }, page: {} });
    // 12,000 verified: counting stops at the cap and says so ("10,000+"); a small count stays exact.
    expect(VOLUMES.verifiedKeys).toBeGreaterThan(COUNT_CAP);
    expect(verified.page).toMatchObject({ total: COUNT_CAP, totalIsLowerBound: true });
    expect(all.page.totalIsLowerBound).toBe(false);
    expect(verified.page.rows.every((r) => r.keyStatus === "VERIFIED")).toBe(true);
    const byName = await findOnboardings(t.db, { filters: { q: "NORTHWIND 00011" }, page: {} });
    expect(byName.page.total).toBe(byName.page.rows.length);
    expect(byName.page.totalIsLowerBound).toBe(false);
    expect(byName.page.rows.map((r) => r.customerName).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `Northwind 00011${i}`).filter(
        (n) => Number(n.slice(-6)) % 10 === 5,
      ),
    );
  });

  it("a search for LIKE's wildcards means those characters", async () => {
    const result = await findOnboardings(t.db, { filters: { q: "%" }, page: {} });
    expect(result.page.total).toBe(0);
  });

  it("resources page in name order, filtered by service and state together", async () => {
    const filters: ResourceFilters = { service: "SQL_SERVER", state: "APPLIED" };
    const rows = await walk((page) => findResources(t.db, { filters, page }), 2);
    expect(rows.length).toBe(2 * PAGE_SIZE);
    expect(rows.every((r) => r.kind === "SQL_SERVER" && r.cmkState === "APPLIED")).toBe(true);
    const names = rows.map((r) => r.name);
    expect([...names].sort()).toEqual(names);
    const counted = await findResources(t.db, { filters, page: {} });
    expect(counted.total).toBe(
      await t.db.isvResource.count({ where: { kind: "SQL_SERVER", cmkState: "APPLIED" } }),
    );
  });

  it("the whole inventory's total is exact however large, a broad filter's stops at the cap", async () => {
    const all = await findResources(t.db, { filters: {}, page: {} });
    expect(all).toMatchObject({ total: VOLUMES.resources, totalIsLowerBound: false });
    const unassigned = await findResources(t.db, { filters: { customer: "none" }, page: {} });
    expect(await t.db.isvResource.count({ where: { customerId: null } })).toBeGreaterThan(COUNT_CAP);
    expect(unassigned).toMatchObject({ total: COUNT_CAP, totalIsLowerBound: true });
  });

  it("a resource search by ARM id is case-insensitive, and each row carries its latest job", async () => {
    const result = await findResources(t.db, {
      filters: { q: "/SUBSCRIPTIONS/00000001-0000-4000-8000-000000000000/RESOURCEGROUPS/RG-1/" },
      page: {},
    });
    expect(result.total).toBe(VOLUMES.resources / 100);
    expect(result.rows.every((r) => r.resourceGroup === "rg-1")).toBe(true);
    expect(result.rows.some((r) => r.jobState === "SUCCEEDED")).toBe(true);
  });

  it("the customer picker finds a handful by name, only verified ones when assigning", async () => {
    const verified = await findCustomers(t.db, { query: "woodgrove", verifiedKeyOnly: true });
    expect(verified.length).toBe(10);
    expect(verified.every((c) => c.name.startsWith("Woodgrove"))).toBe(true);
    const unverified = await findCustomers(t.db, { query: "Woodgrove 019999", verifiedKeyOnly: true });
    expect(unverified).toEqual([]);
    expect(await findCustomers(t.db, { query: "Woodgrove 019999", verifiedKeyOnly: false })).toHaveLength(1);
  });

  it("the timeline shows the newest entry first and counts them all", async () => {
    const first = await findTimeline(t.db, { onboardingId: detailOnboardingId, page: {} });
    expect(first.total).toBeGreaterThanOrEqual(VOLUMES.detailEvents);
    const times = first.rows.map((r) => r.occurredAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});

describe("key health, most urgent first", () => {
  it("within a level: the soonest expiry, then the largest rotation lag", async () => {
    const keys = await t.db.customerKey.findMany({
      where: { status: "ACTIVE" },
      orderBy: { id: "asc" },
      take: 4,
      select: { id: true },
    });
    const set = (id: string, rotationLag: number, expiresAt: Date | null) =>
      t.db.customerKey.update({
        where: { id },
        data: { health: "WARNING", rotationLag, expiresAt, lastVerifiedAt: new Date() },
      });
    const soon = new Date(Date.now() + 5 * 86_400_000);
    await set(keys[0]!.id, 2, null);
    await set(keys[1]!.id, 5, null);
    await set(keys[2]!.id, 0, null);
    await set(keys[3]!.id, 0, soon);
    const { rows, counts } = await findKeyHealth(t.db, { health: "WARNING" });
    expect(rows.map((r) => [r.id, r.rotationLag])).toEqual([
      [keys[3]!.id, 0],
      [keys[1]!.id, 5],
      [keys[0]!.id, 2],
      [keys[2]!.id, 0],
    ]);
    expect(counts.WARNING).toBe(4);
  });
});
