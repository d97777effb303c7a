import "server-only";
import type { Db } from "@/lib/db/create-db";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Where a filtered count stops: past it the console says "10,000+" instead of counting on. Counting all the
 * matches of a broad filter reads every one of them, so an exact total would cost more the larger the table.
 */
export const COUNT_CAP = 10_000;

/** A total as a page can afford it: exact, or a lower bound when counting stopped at the cap. */
export type Total = { count: number; atLeast: boolean };

/** The tables whose rows "RowCount" keeps, by trigger, in the same transaction as each write. */
export type CountedTable = "TenantOnboarding" | "IsvResource";

/** Exact counts per bucket (an onboarding state, or "all"): one short index read, whatever the table's size. */
export function rowCountSql(table: CountedTable): Prisma.Sql {
  return Prisma.sql`SELECT "bucket", "count"::int AS "count" FROM "RowCount" WHERE "tableName" = ${table}`;
}

export async function rowCounts(db: Db, table: CountedTable): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<{ bucket: string; count: number }[]>(rowCountSql(table));
  return Object.fromEntries(rows.map((r) => [r.bucket, r.count]));
}

/**
 * Counts the rows of `select` (a query whose rows are the matches) up to the cap: at most COUNT_CAP + 1 rows
 * are read, so the cost stops growing with the table.
 */
export function cappedCountSql(select: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS "count" FROM (${select} LIMIT ${COUNT_CAP + 1}) capped`;
}

export async function cappedCount(db: Db, select: Prisma.Sql): Promise<Total> {
  const [row] = await db.$queryRaw<{ count: number }[]>(cappedCountSql(select));
  const count = row?.count ?? 0;
  return count > COUNT_CAP ? { count: COUNT_CAP, atLeast: true } : { count, atLeast: false };
}
