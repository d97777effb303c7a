import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { withdrawKeyHandover } from "@/lib/operations/fleet-run";
import { verificationColumn } from "./key-columns";
import { describeState } from "./state-machine";
import { parseSubmittedKey } from "./submit-customer-key";

/** A replacement can be handed over once the first key is verified, and while the key in use is unreachable. */
const REPLACEABLE = new Set<OnboardingState>(["KEY_VERIFIED", "APPLIED", "HEALTHY", "KEY_UNREACHABLE"]);

/**
 * The customer hands over a replacement key after onboarding. Parsed strictly, stored as PROPOSED next to the key
 * in use (which stays ACTIVE and in use), in one transaction with its audit event; the caller then verifies it
 * live. A replacement still waiting (verifying, failed, or waiting for approval) is withdrawn explicitly: its run
 * is declined and the key retired. One whose run is already applying cannot be replaced until that run ends.
 */
export async function submitReplacementKey(
  db: Db,
  input: { session: CustomerSession; keyUri: string; requestId?: string },
) {
  const { session } = input;
  const key = await parseSubmittedKey(db, input);
  const actor: Actor = { type: "CUSTOMER", id: session.upn };
  return db.$transaction(async (tx) => {
    // Two hand-overs from two tabs take turns here.
    await tx.$queryRaw`SELECT id FROM "TenantOnboarding" WHERE id = ${session.onboardingId}::uuid FOR UPDATE`;
    const onboarding = await tx.tenantOnboarding.findFirst({
      where: { id: session.onboardingId, tenantId: session.tid },
    });
    if (!onboarding)
      throw new AppError(
        "NOT_FOUND",
        "This onboarding belongs to another Microsoft Entra tenant than the one you signed in to: sign in with your organization's tenant to hand over a key.",
      );
    if (!REPLACEABLE.has(onboarding.state))
      throw new AppError(
        "CONFLICT",
        `A replacement key can be handed over once your first key is verified; your onboarding is ${describeState(onboarding.state)}.`,
      );
    const current = await tx.customerKey.findFirst({
      where: { onboardingId: onboarding.id, tenantId: session.tid, status: "ACTIVE" },
      orderBy: { createdAt: "desc" },
    });
    if (!current) throw new AppError("CONFLICT", "Your onboarding has no key in use to replace.");
    if (current.keyUri.toLowerCase() === key.uri.toLowerCase())
      throw new AppError(
        "CONFLICT",
        "That is the key in use now. Hand over a different key (another key or vault); a new version of this key needs no hand-over.",
      );
    const applying = await tx.operationRun.findFirst({
      where: { targetKeyId: current.id, state: { in: ["RUNNING", "PAUSED", "CANCELLING"] } },
      select: { id: true },
    });
    if (applying)
      throw new AppError(
        "CONFLICT",
        "Your previous replacement key is being applied to your resources now. Hand over another one once that is done.",
      );
    const waiting = await tx.customerKey.findMany({
      where: { onboardingId: onboarding.id, status: "PROPOSED" },
      select: { id: true },
    });
    for (const earlier of waiting)
      await withdrawKeyHandover(tx, { keyId: earlier.id, actor, requestId: input.requestId });
    const created = await tx.customerKey.create({
      data: {
        customerId: onboarding.customerId,
        onboardingId: onboarding.id,
        tenantId: session.tid,
        keyUri: key.uri,
        vaultHost: key.vaultHost,
        vaultKind: key.vaultKind,
        keyName: key.keyName,
        keyVersion: key.keyVersion,
        submittedBy: session.upn,
        status: "PROPOSED",
        replacesKeyId: current.id,
        verificationStatus: "VERIFYING",
      },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "key.replacement_submitted",
      targetType: "customer_key",
      targetId: created.id,
      customerId: onboarding.customerId,
      onboardingId: onboarding.id,
      details: { keyUri: key.uri, replaces: current.keyUri, withdrew: waiting.length },
      requestId: input.requestId,
    });
    return created;
  });
}

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
