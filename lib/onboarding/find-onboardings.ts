import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { keysetPage, type Page, type PageRequest } from "@/lib/db/keyset";
import { parseSearchTerm } from "@/lib/db/search-term";
import { Prisma } from "@/lib/generated/prisma/client";
import { OnboardingState, VerificationStatus } from "@/lib/generated/prisma/enums";

/** The console's onboarding filters as they appear in the URL (`/console?q=…&state=…&key=…`). */
export const onboardingFiltersSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  state: z.enum(OnboardingState).optional().catch(undefined),
  key: z
    .enum([...Object.values(VerificationStatus), "NONE"])
    .optional()
    .catch(undefined),
});
export type OnboardingFilters = z.infer<typeof onboardingFiltersSchema>;

export type OnboardingRow = {
  id: string;
  state: OnboardingState;
  stateChangedAt: Date;
  tenantId: string | null;
  tenantDomain: string | null;
  customerName: string;
  inviteExpiresAt: Date;
  inviteRevokedAt: Date | null;
  pinnedTenant: string | null;
  keyStatus: VerificationStatus | null;
  /** How many onboardings name the same tenant: more than one usually means a duplicate invite. */
  tenantOnboardings: number;
};

// Each search field is an index range; their ids are gathered first and then looked up by primary key.
// `= ANY(ARRAY(…))` keeps the planner from hash-joining a broad match against every onboarding.
function searchClause(q: string | undefined): Prisma.Sql | undefined {
  const term = parseSearchTerm(q);
  if (term?.guid) return Prisma.sql`(o."tenantId" = ${term.guid}::uuid OR o."id" = ${term.guid}::uuid)`;
  if (!term) return undefined;
  return Prisma.sql`o."id" = ANY(ARRAY(
      SELECT o2."id" FROM "TenantOnboarding" o2 WHERE o2."customerId" = ANY(ARRAY(
        SELECT c2."id" FROM "Customer" c2 WHERE c2."nameKey" LIKE ${term.prefix}))
      UNION SELECT o3."id" FROM "TenantOnboarding" o3 WHERE o3."tenantDomain" LIKE ${term.prefix}
      UNION SELECT k3."onboardingId" FROM "CustomerKey" k3 WHERE k3."vaultHost" LIKE ${term.prefix} AND k3."status" = 'ACTIVE'))`;
}

function whereClause(filters: OnboardingFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.state) conditions.push(Prisma.sql`o."state" = ${filters.state}::"OnboardingState"`);
  if (filters.key === "NONE")
    conditions.push(
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "CustomerKey" k WHERE k."onboardingId" = o."id" AND k."status" = 'ACTIVE')`,
    );
  else if (filters.key)
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "CustomerKey" k WHERE k."onboardingId" = o."id"
      AND k."status" = 'ACTIVE' AND k."verificationStatus" = ${filters.key}::"VerificationStatus")`);
  const search = searchClause(filters.q);
  if (search) conditions.push(search);
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** The page query, exported so a test can EXPLAIN exactly what the console runs. */
export function onboardingPageSql(
  filters: OnboardingFilters,
  direction: "forward" | "backward",
  key: string[] | undefined,
  limit: number,
): Prisma.Sql {
  const seek = key
    ? direction === "forward"
      ? Prisma.sql`AND (o."stateChangedAt", o."id") < (${key[0]}::timestamptz, ${key[1]}::uuid)`
      : Prisma.sql`AND (o."stateChangedAt", o."id") > (${key[0]}::timestamptz, ${key[1]}::uuid)`
    : Prisma.empty;
  const order =
    direction === "forward"
      ? Prisma.sql`o."stateChangedAt" DESC, o."id" DESC`
      : Prisma.sql`o."stateChangedAt" ASC, o."id" ASC`;
  return Prisma.sql`
    SELECT o."id", o."state", o."stateChangedAt", o."tenantId", o."tenantDomain", c."name" AS "customerName",
           i."expiresAt" AS "inviteExpiresAt", i."revokedAt" AS "inviteRevokedAt", i."pinnedTenant",
           (SELECT k."verificationStatus" FROM "CustomerKey" k WHERE k."onboardingId" = o."id" AND k."status" = 'ACTIVE'
             ORDER BY k."createdAt" DESC LIMIT 1) AS "keyStatus",
           CASE WHEN o."tenantId" IS NULL THEN 1
                ELSE (SELECT count(*) FROM "TenantOnboarding" t WHERE t."tenantId" = o."tenantId")::int END AS "tenantOnboardings"
      FROM (SELECT o."id", o."state", o."stateChangedAt", o."tenantId", o."tenantDomain", o."customerId", o."inviteId"
              FROM "TenantOnboarding" o WHERE ${whereClause(filters)} ${seek} ORDER BY ${order} LIMIT ${limit}) o
      JOIN "Customer" c ON c."id" = o."customerId"
      JOIN "Invite" i ON i."id" = o."inviteId"
     ORDER BY ${order}`;
}

/** The total for the filters. A key filter alone is counted on the keys' own index. */
export function onboardingCountSql(filters: OnboardingFilters): Prisma.Sql {
  if (filters.key && !filters.q && !filters.state) {
    const withKey = (
      status: Prisma.Sql,
    ) => Prisma.sql`(SELECT count(DISTINCT k."onboardingId") FROM "CustomerKey" k
      WHERE k."status" = 'ACTIVE' ${status})`;
    return filters.key === "NONE"
      ? Prisma.sql`SELECT ((SELECT sum(s."count") FROM (${funnelSql()}) s) - ${withKey(Prisma.empty)})::int AS "count"`
      : Prisma.sql`SELECT ${withKey(Prisma.sql`AND k."verificationStatus" = ${filters.key}::"VerificationStatus"`)}::int AS "count"`;
  }
  return Prisma.sql`SELECT count(*)::int AS "count" FROM "TenantOnboarding" o WHERE ${whereClause(filters)}`;
}

/** The funnel: onboardings per state, one index-only range count per state (one round trip). */
export function funnelSql(): Prisma.Sql {
  return Prisma.sql`SELECT s."state", (SELECT count(*) FROM "TenantOnboarding" o WHERE o."state" = s."state")::int AS "count"
    FROM unnest(enum_range(NULL::"OnboardingState")) AS s("state")`;
}

/** One page of onboardings, newest activity first, with the funnel and the total for the filters. */
export async function findOnboardings(
  db: Db,
  options: { filters: OnboardingFilters; page: PageRequest },
): Promise<{ page: Page<OnboardingRow>; funnel: Partial<Record<OnboardingState, number>> }> {
  const { filters } = options;
  const funnelRows = await db.$queryRaw<{ state: OnboardingState; count: number }[]>(funnelSql());
  const funnel = Object.fromEntries(funnelRows.map((r) => [r.state, r.count])) as Partial<
    Record<OnboardingState, number>
  >;
  // Without a search or key filter the funnel already holds the total: no second count.
  const total =
    !filters.q && !filters.key
      ? filters.state
        ? (funnel[filters.state] ?? 0)
        : funnelRows.reduce((sum, r) => sum + r.count, 0)
      : ((await db.$queryRaw<{ count: number }[]>(onboardingCountSql(filters)))[0]?.count ?? 0);
  const page = await keysetPage<OnboardingRow>({
    request: options.page,
    total,
    keyOf: (row) => [row.stateChangedAt.toISOString(), row.id],
    fetch: (direction, key, limit) =>
      db.$queryRaw<OnboardingRow[]>(onboardingPageSql(filters, direction, key, limit)),
  });
  return { page, funnel };
}
