import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { cappedCount, cappedCountSql, rowCounts, rowCountSql, type Total } from "@/lib/db/counts";
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

/**
 * What a searched or key-filtered view counts, up to the cap ("10,000+"); exported so a test can EXPLAIN it.
 * A key filter alone is counted on the keys' own index.
 */
export function onboardingCountSql(filters: OnboardingFilters): Prisma.Sql {
  return withoutKeyOnly(filters) ? withoutKeyCountSql() : cappedCountSql(onboardingMatchesSql(filters));
}

const withoutKeyOnly = (filters: OnboardingFilters) => filters.key === "NONE" && !filters.q && !filters.state;

/**
 * "No key yet" alone, exactly: every onboarding (kept in "RowCount") minus those with an active key, counted on
 * the keys' index. A capped count cannot serve it: finding 10,000 onboardings without a key is an anti-join the
 * planner runs over both tables whole. This one grows with the number of keys (14 ms at 60,000).
 */
function withoutKeyCountSql(): Prisma.Sql {
  return Prisma.sql`SELECT ((SELECT coalesce(sum(s."count"), 0) FROM (${rowCountSql("TenantOnboarding")}) s)
    - (SELECT count(DISTINCT k."onboardingId") FROM "CustomerKey" k WHERE k."status" = 'ACTIVE'))::int AS "count"`;
}

function onboardingMatchesSql(filters: OnboardingFilters): Prisma.Sql {
  if (filters.key && filters.key !== "NONE" && !filters.q && !filters.state)
    return Prisma.sql`SELECT DISTINCT k."onboardingId" FROM "CustomerKey" k
      WHERE k."status" = 'ACTIVE' AND k."verificationStatus" = ${filters.key}::"VerificationStatus"`;
  return Prisma.sql`SELECT 1 FROM "TenantOnboarding" o WHERE ${whereClause(filters)}`;
}

/** The funnel: onboardings per state, as the triggers keep them in "RowCount" (exact, a few rows read). */
export function funnelSql(): Prisma.Sql {
  return rowCountSql("TenantOnboarding");
}

/** One page of onboardings, newest activity first, with the funnel and the total for the filters. */
export async function findOnboardings(
  db: Db,
  options: { filters: OnboardingFilters; page: PageRequest },
): Promise<{ page: Page<OnboardingRow>; funnel: Partial<Record<OnboardingState, number>> }> {
  const { filters } = options;
  const funnel = (await rowCounts(db, "TenantOnboarding")) as Partial<Record<OnboardingState, number>>;
  // Without a search or key filter the funnel holds the exact total; otherwise count up to the cap.
  const total: Total =
    !filters.q && !filters.key
      ? {
          count: filters.state
            ? (funnel[filters.state] ?? 0)
            : Object.values(funnel).reduce((sum, n) => sum + (n ?? 0), 0),
          atLeast: false,
        }
      : withoutKeyOnly(filters)
        ? {
            count: (await db.$queryRaw<{ count: number }[]>(withoutKeyCountSql()))[0]?.count ?? 0,
            atLeast: false,
          }
        : await cappedCount(db, onboardingMatchesSql(filters));
  const page = await keysetPage<OnboardingRow>({
    request: options.page,
    total,
    keyOf: (row) => [row.stateChangedAt.toISOString(), row.id],
    fetch: (direction, key, limit) =>
      db.$queryRaw<OnboardingRow[]>(onboardingPageSql(filters, direction, key, limit)),
  });
  return { page, funnel };
}
