import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record-audit-event";
import { getLogger } from "@/lib/log";
import { sendDeliveries, sendKeyHealthCheck } from "@/lib/jobs/queues";
import { probeKeyHealth } from "./check-key-health";
import { recordKeyHealth } from "./record-key-health";
import { WATCHED_KEY } from "./watched";

const SWEEP_PAGE = 500;

/** Keys the monitor checks: the watched keys (./watched.ts) of customers whose consent it can use. */
const WATCHED: Prisma.CustomerKeyWhereInput = {
  ...WATCHED_KEY,
  onboarding: { servicePrincipalObjectId: { not: null } },
};

/**
 * One pass over every customer tenant with a watched key (the same keys as WATCHED_KEY, in SQL), a page of tenants at a time (never the whole table in
 * memory), queueing one check job per tenant: a tenant's keys are checked together with one token. Returns how
 * many were queued (a tenant whose check is already queued or running is not queued twice).
 */
export async function sweepKeyHealth(db: Db, boss: PgBoss): Promise<{ tenants: number; queued: number }> {
  let cursor = "00000000-0000-0000-0000-000000000000";
  let tenants = 0;
  let queued = 0;
  for (;;) {
    const page = await db.$queryRaw<{ tenantId: string }[]>`
      SELECT DISTINCT k."tenantId"::text AS "tenantId"
      FROM "CustomerKey" k
      JOIN "TenantOnboarding" o ON o.id = k."onboardingId"
      WHERE k."lastVerifiedAt" IS NOT NULL AND o."servicePrincipalObjectId" IS NOT NULL
        AND (k.status = 'ACTIVE' OR (k.status = 'SUPERSEDED' AND EXISTS (
          SELECT 1 FROM "IsvResource" r WHERE r."appliedKeyId" = k.id AND r."cmkState" <> 'MICROSOFT_MANAGED')))
        AND k."tenantId" > ${cursor}::uuid
      ORDER BY 1
      LIMIT ${SWEEP_PAGE}`;
    for (const { tenantId } of page) if (await sendKeyHealthCheck(boss, { tenantId })) queued++;
    tenants += page.length;
    if (page.length < SWEEP_PAGE) return { tenants, queued };
    cursor = page[page.length - 1]!.tenantId;
  }
}

/**
 * Checks the watched keys of one tenant (or one key of it, for "check now"), one after the other, so the
 * tenant's token is exchanged at most once for all of them.
 */
export async function runTenantHealthCheck(
  db: Db,
  boss: PgBoss,
  input: { tenantId: string; keyId?: string; freshToken?: boolean; actor?: Actor; requestId?: string },
) {
  let cursor: string | undefined;
  let checked = 0;
  for (;;) {
    const keys = await db.customerKey.findMany({
      where: {
        ...WATCHED,
        tenantId: input.tenantId,
        ...(input.keyId && { id: input.keyId }),
        ...(cursor && { id: { gt: cursor } }),
      },
      orderBy: { id: "asc" },
      take: SWEEP_PAGE,
      select: { id: true },
    });
    for (const [i, key] of keys.entries()) {
      // A fresh token is proved once, for the first key; the others reuse it.
      await runKeyHealthCheck(db, boss, {
        ...input,
        keyId: key.id,
        freshToken: input.freshToken && checked + i === 0,
      });
    }
    checked += keys.length;
    if (keys.length < SWEEP_PAGE || input.keyId) return { checked };
    cursor = keys[keys.length - 1]!.id;
  }
}

/** The check itself: probe Azure (outside any transaction), then record the outcome and queue its messages. */
export async function runKeyHealthCheck(
  db: Db,
  boss: PgBoss,
  input: { keyId: string; actor?: Actor; requestId?: string; freshToken?: boolean },
) {
  const key = await db.customerKey.findFirst({
    where: { id: input.keyId, ...WATCHED },
    include: { onboarding: { select: { servicePrincipalObjectId: true } } },
  });
  if (!key?.onboarding.servicePrincipalObjectId) return null;
  const probe = await probeKeyHealth(
    db,
    { ...key, spObjectId: key.onboarding.servicePrincipalObjectId },
    { freshToken: input.freshToken },
  );
  const result = await recordKeyHealth(db, {
    keyId: key.id,
    probe,
    actor: input.actor,
    requestId: input.requestId,
  });
  await sendDeliveries(boss, result.deliveries);
  if (result.notified)
    getLogger().info(
      { keyId: key.id, health: result.health, notified: result.notified },
      "key health notification",
    );
  return result;
}
