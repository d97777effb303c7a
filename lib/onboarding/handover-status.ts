import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import { verificationColumn } from "./key-columns";

/** The replacement the customer handed over last that is still waiting for verification or approval. */
export function findProposedKey(db: Db, session: CustomerSession) {
  return db.customerKey.findFirst({
    where: { onboardingId: session.onboardingId, tenantId: session.tid, status: "PROPOSED" },
    orderBy: { createdAt: "desc" },
  });
}

/** Where the customer's latest hand-over stands, as their page says it. */
export type HandoverStatus =
  | "verifying"
  | "waiting_for_role"
  | "failed"
  | "awaiting_approval"
  | "applying"
  | "incomplete"
  | "done"
  | "declined";

/**
 * The customer's latest replacement key and where it stands: verification, the ISV's approval, and how many of the
 * customer's resources read the new key back. "done" only when the run has ended and every resource of the
 * customer that uses a customer key is APPLIED with the new key.
 */
export async function getKeyHandover(
  db: Db,
  input: { onboardingId: string; tenantId: string; customerId: string },
) {
  const key = await db.customerKey.findFirst({
    where: { onboardingId: input.onboardingId, tenantId: input.tenantId, replacesKeyId: { not: null } },
    orderBy: { createdAt: "desc" },
  });
  if (!key || key.status === "REVOKED") return null;
  const [run, inScope, onNewKey] = await Promise.all([
    db.operationRun.findFirst({
      where: { targetKeyId: key.id },
      orderBy: { createdAt: "desc" },
      select: { id: true, state: true, approvedBy: true, approvedAt: true, finishedAt: true },
    }),
    db.isvResource.count({ where: { customerId: input.customerId, cmkState: { not: "MICROSOFT_MANAGED" } } }),
    db.isvResource.count({
      where: { customerId: input.customerId, cmkState: "APPLIED", appliedKeyId: key.id },
    }),
  ]);
  const status = handoverStatus(key, run?.state ?? null, inScope - onNewKey);
  if (!status) return null;
  return {
    status,
    key: {
      id: key.id,
      uri: key.keyUri,
      verificationStatus: key.verificationStatus,
      verification: verificationColumn.read(key.verification),
      createdAt: key.createdAt,
    },
    run: run && { id: run.id, state: run.state, approvedAt: run.approvedAt, finishedAt: run.finishedAt },
    resources: { total: inScope, onNewKey },
  };
}

function handoverStatus(
  key: { status: string; verificationStatus: string },
  runState: string | null,
  remaining: number,
): HandoverStatus | null {
  if (key.status === "PROPOSED") {
    if (key.verificationStatus === "FAILED") return "failed";
    if (key.verificationStatus === "WAITING_FOR_ROLE") return "waiting_for_role";
    if (key.verificationStatus === "VERIFIED" && runState === "AWAITING_APPROVAL") return "awaiting_approval";
    return "verifying";
  }
  if (key.status === "ACTIVE") {
    if (runState === "RUNNING" || runState === "PAUSED" || runState === "CANCELLING") return "applying";
    return remaining === 0 ? "done" : "incomplete";
  }
  // SUPERSEDED: declined by the ISV, or replaced since by a newer key (then that one is the latest).
  return runState === "DECLINED" ? "declined" : null;
}

const PENDING: ReadonlySet<HandoverStatus> = new Set([
  "verifying",
  "waiting_for_role",
  "awaiting_approval",
  "applying",
  "incomplete",
]);

/** A replacement key is on its way: the customer's "Done" step waits until every resource reads it back. */
export function isHandoverPending(status: HandoverStatus | undefined): boolean {
  return status !== undefined && PENDING.has(status);
}

/** The hand-over's entries of the customer's audit trail, for their own page. */
const HISTORY_ACTIONS = [
  "key.replacement_submitted",
  "key.replacement_verified",
  "key.replacement_failed",
  "key.replacement_withdrawn",
  "key.replacement_declined",
  "key.replacement_accepted",
  "key.replacement_applied",
];

/** The newest hand-over events of one onboarding (its own audit entries only), newest first. */
export async function findHandoverHistory(db: Db, onboardingId: string) {
  return db.auditEvent.findMany({
    where: { onboardingId, action: { in: HISTORY_ACTIONS } },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: 12,
    select: { id: true, occurredAt: true, action: true, actorType: true, actorId: true, details: true },
  });
}

export type KeyHandover = NonNullable<Awaited<ReturnType<typeof getKeyHandover>>>;
