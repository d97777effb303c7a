import "server-only";
import type { Db } from "@/lib/db/create-db";
import { cappedCount, cappedCountSql } from "@/lib/db/counts";
import { keysetPage, type Page, type PageRequest } from "@/lib/db/keyset";
import { Prisma, type AuditEvent } from "@/lib/generated/prisma/client";

/** One onboarding with its customer, invite and keys (a handful of rows; the timeline is paged apart). */
export async function getOnboardingDetail(db: Db, id: string) {
  return db.tenantOnboarding.findUnique({
    where: { id },
    include: { customer: true, invite: true, keys: { orderBy: { createdAt: "desc" }, take: 20 } },
  });
}

/** The timeline's page query, newest first, exported so a test can EXPLAIN it. */
export function timelinePageSql(
  onboardingId: string,
  direction: "forward" | "backward",
  key: string[] | undefined,
  limit: number,
): Prisma.Sql {
  const forward = direction === "forward";
  const seek = key
    ? forward
      ? Prisma.sql`AND ("occurredAt", "id") < (${key[0]}::timestamptz, ${key[1]}::bigint)`
      : Prisma.sql`AND ("occurredAt", "id") > (${key[0]}::timestamptz, ${key[1]}::bigint)`
    : Prisma.empty;
  const order = forward ? Prisma.sql`"occurredAt" DESC, "id" DESC` : Prisma.sql`"occurredAt" ASC, "id" ASC`;
  return Prisma.sql`SELECT * FROM "AuditEvent" WHERE "onboardingId" = ${onboardingId}::uuid ${seek}
                     ORDER BY ${order} LIMIT ${limit}`;
}

/** The timeline's entries counted up to the cap ("10,000+"), exported so a test can EXPLAIN it. */
export function timelineCountSql(onboardingId: string): Prisma.Sql {
  return cappedCountSql(timelineMatchesSql(onboardingId));
}

const timelineMatchesSql = (onboardingId: string) =>
  Prisma.sql`SELECT 1 FROM "AuditEvent" WHERE "onboardingId" = ${onboardingId}::uuid`;

/** One page of an onboarding's audit timeline, newest first, with the number of entries (up to the cap). */
export async function findTimeline(
  db: Db,
  options: { onboardingId: string; page: PageRequest },
): Promise<Page<AuditEvent>> {
  return keysetPage<AuditEvent>({
    request: options.page,
    total: await cappedCount(db, timelineMatchesSql(options.onboardingId)),
    keyOf: (event) => [event.occurredAt.toISOString(), event.id.toString()],
    fetch: (direction, key, limit) =>
      db.$queryRaw<AuditEvent[]>(timelinePageSql(options.onboardingId, direction, key, limit)),
  });
}
