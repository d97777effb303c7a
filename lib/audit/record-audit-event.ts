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

/**
 * Appends one audit event, chained to the previous event of its stream. Call it with the same transaction
 * client as the change it records; given the plain client, it opens a transaction of its own.
 * This is the only function that writes audit events: the chain is only as whole as that rule.
 */
export async function recordAuditEvent(db: Tx | Db, input: AuditInput): Promise<void> {
  if ("$transaction" in db && typeof db.$transaction === "function") {
    await (db as Db).$transaction((tx) => appendChained(tx, input));
    return;
  }
  await appendChained(db, input);
}

async function appendChained(tx: Tx, input: AuditInput): Promise<void> {
  const stream = auditStreamOf(input.customerId);
  // Writers of one stream take turns until their transaction ends, so each reads the true last event and
  // no two events claim the same place. (The unique (stream, streamSeq) index backs this up.)
  await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}::int4, hashtext(${stream}))) AS locked`;
  const last = await tx.auditEvent.findFirst({
    where: { stream },
    orderBy: { streamSeq: "desc" },
    select: { streamSeq: true, hash: true },
  });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
    stream,
    streamSeq: (last?.streamSeq ?? 0) + 1,
    occurredAt: new Date(),
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
  await tx.auditEvent.create({
    data: {
      ...content,
      details: input.details,
      prevHash,
      hash: computeAuditHash(prevHash, content),
    },
  });
}
