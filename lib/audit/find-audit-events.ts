import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";

const guid = z.uuid({ error: "must be a customer ID" });
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const instant = z.iso.datetime({ local: true, error: "must be a date and time" });

/** The audit browser's filters, as they arrive in the page's query string. Times are UTC. */
export const auditFilterSchema = z.object({
  customer: optional(guid),
  actor: optional(z.string().trim().max(320)),
  /** A whole action (`invite.created`) or its start (`invite.`). */
  action: optional(z.string().trim().max(64)),
  /** The target's ID: an ARM resource ID, an onboarding, an invite, a job. */
  resource: optional(z.string().trim().max(1024)),
  from: optional(instant),
  to: optional(instant),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Where a page starts: below (older than) or above (newer than) an event ID. */
export const auditCursorSchema = z.object({
  before: optional(z.coerce.bigint().positive()),
  after: optional(z.coerce.bigint().positive()),
});
export type AuditCursor = z.infer<typeof auditCursorSchema>;

const utc = (local: string) => new Date(/[zZ]|[+-]\d\d:\d\d$/.test(local) ? local : `${local}Z`);

/** The `where` every audit query shares: each filter is served by an index on (column, id). */
export function auditWhere(filter: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(filter.customer && { customerId: filter.customer.toLowerCase() }),
    ...(filter.actor && { actorId: filter.actor }),
    ...(filter.action && { action: { startsWith: filter.action } }),
    ...(filter.resource && { targetId: filter.resource }),
    ...((filter.from || filter.to) && {
      occurredAt: {
        ...(filter.from && { gte: utc(filter.from) }),
        ...(filter.to && { lte: utc(filter.to) }),
      },
    }),
  };
}

/**
 * One page of audit events, newest first, across every customer. Keyset pagination on the event ID:
 * a page costs the same on the first screen and the thousandth, and never repeats or skips a row when
 * new events arrive meanwhile.
 */
export async function findAuditEvents(
  db: Db,
  options: { filter: AuditFilter; cursor?: AuditCursor; pageSize?: number },
) {
  const take = options.pageSize ?? 50;
  const where = auditWhere(options.filter);
  const { before, after } = options.cursor ?? {};
  const upward = after !== undefined && before === undefined;
  const rows = await db.auditEvent.findMany({
    where: { ...where, ...(upward ? { id: { gt: after } } : before ? { id: { lt: before } } : {}) },
    orderBy: { id: upward ? "asc" : "desc" },
    take: take + 1,
  });
  const more = rows.length > take;
  const events = rows.slice(0, take);
  if (upward) events.reverse();
  const customerIds = [...new Set(events.flatMap((e) => (e.customerId ? [e.customerId] : [])))];
  const customers = customerIds.length
    ? await db.customer.findMany({ where: { id: { in: customerIds } }, select: { id: true, name: true } })
    : [];
  return {
    events,
    customerNames: new Map(customers.map((c) => [c.id, c.name])),
    /** Set when older events match the filter. */
    olderThan: (upward ? events.length > 0 : more) ? events.at(-1)?.id : undefined,
    /** Set when newer events match the filter. */
    newerThan: (upward ? more : before !== undefined) ? events[0]?.id : undefined,
  };
}
