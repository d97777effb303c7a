import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { KeyHealth } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { findingsSchema } from "./findings";
import { WATCHED_KEY as WATCHED } from "./watched";

const PAGE = 50;

export const keyHealthFilter = z.object({
  health: z.enum(["UNKNOWN", "HEALTHY", "WARNING", "UNREACHABLE"]).optional().catch(undefined),
  /** Customer name, from its start (served by the unique index on the lower-cased name). */
  q: z.string().trim().max(200).optional().catch(undefined),
  customerId: z.uuid().optional().catch(undefined),
  cursor: z.uuid().optional().catch(undefined),
});
export type KeyHealthFilter = z.infer<typeof keyHealthFilter>;

/**
 * Watched keys, most urgent first — unreachable, then needs attention, then healthy; within a level the
 * soonest expiry, then the largest rotation lag (resources still on an older version) — a page at a time
 * (an index serves exactly this order), with the count per health level from one grouped query.
 */
export async function findKeyHealth(db: Db, filter: KeyHealthFilter) {
  const where: Prisma.CustomerKeyWhereInput = {
    ...WATCHED,
    ...(filter.health && { health: filter.health }),
    ...(filter.customerId && { customerId: filter.customerId }),
    ...(filter.q && { customer: { nameKey: { startsWith: filter.q.toLowerCase() } } }),
  };
  const [rows, grouped] = await Promise.all([
    db.customerKey.findMany({
      where,
      // PostgreSQL orders an enum by its declaration: UNKNOWN < HEALTHY < WARNING < UNREACHABLE.
      orderBy: [
        { health: "desc" },
        { expiresAt: { sort: "asc", nulls: "last" } },
        { rotationLag: "desc" },
        { id: "asc" },
      ],
      take: PAGE + 1,
      ...(filter.cursor && { cursor: { id: filter.cursor }, skip: 1 }),
      select: {
        id: true,
        keyUri: true,
        keyName: true,
        status: true,
        vaultHost: true,
        health: true,
        healthCheckedAt: true,
        healthChangedAt: true,
        healthFindings: true,
        latestVersion: true,
        expiresAt: true,
        rotationLag: true,
        customer: { select: { id: true, name: true } },
        _count: { select: { appliedTo: true } },
      },
    }),
    db.customerKey.groupBy({ by: ["health"], where: WATCHED, _count: { _all: true } }),
  ]);
  const counts = Object.fromEntries(grouped.map((g) => [g.health, g._count._all])) as Partial<
    Record<KeyHealth, number>
  >;
  return {
    rows: rows.slice(0, PAGE).map((r) => ({ ...r, findings: parseFindings(r.healthFindings) })),
    next: rows.length > PAGE ? rows[PAGE - 1]?.id : undefined,
    counts,
  };
}

/** The name of a key's customer, for a page title; null when there is no such key. */
export async function findKeyCustomerName(db: Db, keyId: string): Promise<string | null> {
  const key = await db.customerKey.findUnique({
    where: { id: keyId },
    select: { customer: { select: { name: true } } },
  });
  return key?.customer.name ?? null;
}

/** One key's health: findings, the timeline (newest 60 points) and the resources behind it (a page). */
export async function getKeyHealth(db: Db, keyId: string, where: Prisma.CustomerKeyWhereInput = {}) {
  const key = await db.customerKey.findFirst({
    where: { id: keyId, ...where },
    include: {
      customer: { select: { id: true, name: true } },
      onboarding: { select: { id: true, state: true } },
    },
  });
  if (!key) throw new AppError("NOT_FOUND", "This key does not exist.");
  const [timeline, resources, resourceCount] = await Promise.all([
    db.keyHealthCheck.findMany({
      where: { keyId: key.id },
      orderBy: { checkedAt: "desc" },
      take: 60,
      select: { checkedAt: true, health: true },
    }),
    db.isvResource.findMany({
      where: { appliedKeyId: key.id },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, name: true, kind: true, cmkState: true, appliedKeyVersion: true, lastReadAt: true },
    }),
    db.isvResource.count({ where: { appliedKeyId: key.id } }),
  ]);
  return {
    key,
    findings: parseFindings(key.healthFindings),
    timeline: timeline.reverse(),
    resources,
    resourceCount,
  };
}

function parseFindings(value: unknown) {
  const parsed = findingsSchema.safeParse(value ?? []);
  return parsed.success ? parsed.data : [];
}
