import "server-only";
import crypto from "node:crypto";

/**
 * The audit log's tamper evidence. Events form one hash chain per stream (one per customer, one for
 * everything else): each event stores the hash of the event before it in its stream and a hash over that
 * value and its own content. Changing, removing or inserting an event by hand breaks the chain at that
 * event, which `npm run audit:verify` reports.
 */
export const GENESIS_HASH = "0".repeat(64);

/** The stream an event belongs to: its customer's, or the global one. */
export function auditStreamOf(customerId: string | null | undefined): string {
  return customerId ? `customer:${customerId.toLowerCase()}` : "global";
}

/** The fields that the hash covers, as they are stored. */
export interface ChainedContent {
  stream: string;
  streamSeq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  customerId: string | null;
  onboardingId: string | null;
  outcome: string;
  details: unknown;
  requestId: string | null;
}

/** SHA-256 (hex) over the previous hash and the event's canonical JSON. */
export function computeAuditHash(prevHash: string, content: ChainedContent): string {
  // Fields are picked one by one: a stored row passed in carries more (id, hash) that must not count.
  const canonical = canonicalJson({
    stream: content.stream,
    streamSeq: content.streamSeq,
    occurredAt: content.occurredAt.toISOString(),
    actorType: content.actorType,
    actorId: content.actorId,
    actorRole: content.actorRole,
    action: content.action,
    targetType: content.targetType,
    targetId: content.targetId,
    customerId: content.customerId?.toLowerCase() ?? null,
    onboardingId: content.onboardingId?.toLowerCase() ?? null,
    outcome: content.outcome,
    details: content.details ?? null,
    requestId: content.requestId,
  });
  return crypto.createHash("sha256").update(`${prevHash}\n${canonical}`).digest("hex");
}

/**
 * JSON with object keys sorted at every depth, so that a value read back from a jsonb column (which
 * reorders keys) hashes the same as the value that was written.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
