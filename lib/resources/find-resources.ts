import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { cappedCount, cappedCountSql, rowCounts, type Total } from "@/lib/db/counts";
import { keysetPage, type Page, type PageRequest } from "@/lib/db/keyset";
import { parseSearchTerm } from "@/lib/db/search-term";
import { Prisma } from "@/lib/generated/prisma/client";
import { CmkState, JobState, ResourceKind } from "@/lib/generated/prisma/enums";
import { jobErrorColumn, jobProgressColumn } from "@/lib/jobs/job-columns";

/** The inventory's filters as they appear in the URL (`/console/resources?q=…&state=…&service=…`). */
export const resourceFiltersSchema = z.object({
  q: z.string().trim().max(1024).optional().catch(undefined),
  state: z.enum(CmkState).optional().catch(undefined),
  service: z.enum(ResourceKind).optional().catch(undefined),
  /** A customer's id, or "none" for resources no customer has yet. */
  customer: z
    .union([z.uuid(), z.literal("none")])
    .optional()
    .catch(undefined),
  subscription: z.uuid().optional().catch(undefined),
});
export type ResourceFilters = z.infer<typeof resourceFiltersSchema>;

export type ResourceRow = {
  id: string;
  name: string;
  kind: ResourceKind;
  resourceGroup: string;
  region: string;
  subscriptionId: string;
  customerId: string | null;
  customerName: string | null;
  cmkState: CmkState;
  appliedKeyVersion: string | null;
  /** What the last read-back through ARM said, in words (e.g. a database on its server's protector). */
  observedDetail: string | null;
  jobState: JobState | null;
  jobProgress: ReturnType<typeof jobProgressColumn.read>;
  jobError: ReturnType<typeof jobErrorColumn.read>;
};

type RawResourceRow = Omit<ResourceRow, "jobProgress" | "jobError"> & {
  jobProgress: Prisma.JsonValue | null;
  jobError: Prisma.JsonValue | null;
};

function whereClause(filters: ResourceFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.state) conditions.push(Prisma.sql`r."cmkState" = ${filters.state}::"CmkState"`);
  if (filters.service) conditions.push(Prisma.sql`r."kind" = ${filters.service}::"ResourceKind"`);
  if (filters.customer === "none") conditions.push(Prisma.sql`r."customerId" IS NULL`);
  else if (filters.customer) conditions.push(Prisma.sql`r."customerId" = ${filters.customer}::uuid`);
  if (filters.subscription) conditions.push(Prisma.sql`r."subscriptionId" = ${filters.subscription}::uuid`);
  const term = parseSearchTerm(filters.q);
  if (term?.guid)
    conditions.push(Prisma.sql`(r."subscriptionId" = ${term.guid}::uuid OR r."id" = ${term.guid}::uuid)`);
  else if (term?.prefix.startsWith("/")) conditions.push(Prisma.sql`r."armIdKey" LIKE ${term.prefix}`);
  else if (term)
    conditions.push(Prisma.sql`(r."name" LIKE ${term.typedPrefix} OR r."name" LIKE ${term.prefix})`);
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** The page query, exported so a test can EXPLAIN exactly what the console runs. */
export function resourcePageSql(
  filters: ResourceFilters,
  direction: "forward" | "backward",
  key: string[] | undefined,
  limit: number,
): Prisma.Sql {
  const forward = direction === "forward";
  const seek = key
    ? forward
      ? Prisma.sql`AND (r."name", r."id") > (${key[0]}, ${key[1]}::uuid)`
      : Prisma.sql`AND (r."name", r."id") < (${key[0]}, ${key[1]}::uuid)`
    : Prisma.empty;
  const order = forward ? Prisma.sql`r."name" ASC, r."id" ASC` : Prisma.sql`r."name" DESC, r."id" DESC`;
  return Prisma.sql`
    SELECT r."id", r."name", r."kind", r."resourceGroup", r."region", r."subscriptionId", r."customerId",
           c."name" AS "customerName", r."cmkState", r."appliedKeyVersion", r."observed"->>'detail' AS "observedDetail",
           j."state" AS "jobState", j."progress" AS "jobProgress", j."error" AS "jobError"
      FROM (SELECT * FROM "IsvResource" r WHERE ${whereClause(filters)} ${seek} ORDER BY ${order} LIMIT ${limit}) r
      LEFT JOIN "Customer" c ON c."id" = r."customerId"
      LEFT JOIN LATERAL (SELECT j."state", j."progress", j."error" FROM "Job" j WHERE j."resourceId" = r."id"
                          ORDER BY j."createdAt" DESC LIMIT 1) j ON TRUE
     ORDER BY ${order}`;
}

/** What a filtered view counts, up to the cap; exported so a test can EXPLAIN it. */
export function resourceCountSql(filters: ResourceFilters): Prisma.Sql {
  return cappedCountSql(resourceMatchesSql(filters));
}

const resourceMatchesSql = (filters: ResourceFilters) =>
  Prisma.sql`SELECT 1 FROM "IsvResource" r WHERE ${whereClause(filters)}`;

/**
 * The inventory's total: without a filter the trigger-kept count (exact, one row read); with one, the matches
 * counted up to the cap ("10,000+").
 */
async function resourceTotal(db: Db, filters: ResourceFilters): Promise<Total> {
  if (!Object.values(filters).some(Boolean))
    return { count: (await rowCounts(db, "IsvResource")).all ?? 0, atLeast: false };
  return cappedCount(db, resourceMatchesSql(filters));
}

/** One page of the inventory in name order, each resource with its customer and latest job. */
export async function findResources(
  db: Db,
  options: { filters: ResourceFilters; page: PageRequest },
): Promise<Page<ResourceRow>> {
  return keysetPage<ResourceRow>({
    request: options.page,
    total: await resourceTotal(db, options.filters),
    keyOf: (row) => [row.name, row.id],
    fetch: async (direction, key, limit) =>
      (await db.$queryRaw<RawResourceRow[]>(resourcePageSql(options.filters, direction, key, limit))).map(
        (row) => ({
          ...row,
          jobProgress: jobProgressColumn.read(row.jobProgress),
          jobError: jobErrorColumn.read(row.jobError),
        }),
      ),
  });
}
