import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActorType } from "@/lib/generated/prisma/enums";
import { auditStreamOf, computeAuditHash, GENESIS_HASH } from "./audit-chain";

/** Who did something: an operator, a customer's admin, the app itself, or someone unauthenticated. */
export interface Actor {
  type: ActorType;
  id?: string;
  role?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", id: "crosskey" };

export interface AuditInput {
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string;
  customerId?: string;
  onboardingId?: string;
  outcome?: "success" | "denied" | "failure";
  details?: Prisma.InputJsonValue;
  requestId?: string;
}

// First key of the two-key advisory lock space ("crosskey audit" → hashtext); the second is the stream's.
// pg-boss and the migration runner use the one-bigint space, which never overlaps this one.
const AUDIT_LOCK_CLASS = 0x61756474;

/** Transactions inside withAuditAtEnd: their events wait in this list until the end of the function. */
const pendingEvents = new WeakMap<object, AuditInput[]>();

/**
 * Appends one audit event, chained to the previous event of its stream. Call it with the same transaction
 * client as the change it records; given the plain client, it opens a transaction of its own. Inside
 * `withAuditAtEnd` the event is appended with the others at the end of that function, in the same transaction.
 * This is the only module that writes audit events: the chain is only as whole as that rule.
 */
export async function recordAuditEvent(db: Tx | Db, input: AuditInput): Promise<void> {
  if ("$transaction" in db && typeof db.$transaction === "function") {
    await (db as Db).$transaction((tx) => appendChained(tx, [input]));
    return;
  }
  const pending = pendingEvents.get(db);
  if (pending) pending.push(input);
  else await appendChained(db, [input]);
}

/**
 * Runs `fn` in the caller's transaction and appends the audit events it records at its end, together: a
 * stream's lock, which every writer of that customer's events waits for, is then held for one append and the
 * commit instead of for everything else the transaction does. The same events in the same transaction, chained
 * in the order they were recorded.
 */
export async function withAuditAtEnd<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  if (pendingEvents.has(tx)) return fn();
  const pending: AuditInput[] = [];
  pendingEvents.set(tx, pending);
  try {
    const result = await fn();
    pendingEvents.delete(tx);
    await appendChained(tx, pending);
    return result;
  } finally {
    pendingEvents.delete(tx);
  }
}

async function appendChained(tx: Tx, inputs: AuditInput[]): Promise<void> {
  const byStream = new Map<string, AuditInput[]>();
  for (const input of inputs) {
    const stream = auditStreamOf(input.customerId);
    byStream.set(stream, [...(byStream.get(stream) ?? []), input]);
  }
  // Streams locked in one order, so two transactions appending to the same two streams cannot deadlock.
  for (const stream of [...byStream.keys()].sort()) await appendToStream(tx, stream, byStream.get(stream)!);
}

async function appendToStream(tx: Tx, stream: string, inputs: AuditInput[]): Promise<void> {
  // Writers of one stream take turns until their transaction ends, so each reads the true last event and
  // no two events claim the same place. (The unique (stream, streamSeq) index backs this up.)
  await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}::int4, hashtext(${stream}))) AS locked`;
  // A statement of its own after the lock: its snapshot then includes the event the previous holder committed.
  const last = await tx.auditEvent.findFirst({
    where: { stream },
    orderBy: { streamSeq: "desc" },
    select: { streamSeq: true, hash: true },
  });
  let prevHash = last?.hash ?? GENESIS_HASH;
  let streamSeq = last?.streamSeq ?? 0;
  const occurredAt = new Date();
  const rows = inputs.map((input) => {
    streamSeq += 1;
    const content = {
      stream,
      streamSeq,
      occurredAt,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorRole: input.actor.role ?? null,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId ?? null,
      customerId: input.customerId?.toLowerCase() ?? null,
      onboardingId: input.onboardingId?.toLowerCase() ?? null,
      outcome: input.outcome ?? "success",
      details: input.details ?? null,
      requestId: input.requestId ?? null,
    };
    const hash = computeAuditHash(prevHash, content);
    const row = { ...content, details: input.details, prevHash, hash };
    prevHash = hash;
    return row;
  });
  if (rows.length === 1) await tx.auditEvent.create({ data: rows[0]! });
  else await tx.auditEvent.createMany({ data: rows });
}
