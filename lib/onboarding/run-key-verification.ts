import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import { recordAuditEvent, SYSTEM_ACTOR, type Actor } from "@/lib/audit/record-audit-event";
import type { CustomerKey } from "@/lib/generated/prisma/client";
import { keyTargetOf } from "@/lib/keys/key-target";
import { verifyCustomerKeyFreshOnRefusal } from "@/lib/keys/verify/verify-customer-key";
import type { VerificationResult } from "@/lib/keys/verify/types";
import { verificationColumn } from "./key-columns";
import { transitionOnboarding } from "./state-machine";

/** How long a 403 after the customer's role assignment is treated as Azure still applying it. */
export const ROLE_PROPAGATION_WINDOW_MS = 15 * 60_000;

/**
 * Verifies one customer key and records the result, the key's facts and the onboarding's new state in one
 * transaction with the audit event. Returns the result and whether another attempt should follow.
 *
 * A replacement key (PROPOSED, handed over after onboarding) moves nothing of the onboarding: when it verifies, the
 * same transaction calls `onReplacementVerified`, which files its "change key" run (lib/operations/key-handover.ts
 * passes it; this folder sits below the pipeline); `startedRunId` names a run that started at once, whose first
 * batch the caller queues.
 */
export async function runKeyVerification(
  db: Db,
  input: {
    keyId: string;
    actor?: Actor;
    requestId?: string;
    onReplacementVerified?: ReplacementHook;
  },
) {
  const key = await db.customerKey.findUnique({ where: { id: input.keyId }, include: { onboarding: true } });
  if (
    !key ||
    (key.status !== "ACTIVE" && key.status !== "PROPOSED") ||
    !key.onboarding.servicePrincipalObjectId
  )
    return { result: null, retry: false, startedRunId: null };
  const inWindow = Date.now() - key.createdAt.getTime() < ROLE_PROPAGATION_WINDOW_MS;
  const result = await verifyCustomerKeyFreshOnRefusal({
    tenantId: key.tenantId,
    spObjectId: key.onboarding.servicePrincipalObjectId,
    inPropagationWindow: inWindow,
    key: keyTargetOf(key),
  });
  const startedRunId = await recordVerification(db, {
    key,
    result,
    actor: input.actor ?? SYSTEM_ACTOR,
    requestId: input.requestId,
    onReplacementVerified: input.onReplacementVerified,
  });
  return { result, retry: result.outcome === "waiting_for_role", startedRunId };
}

/** One verification to record: the key as it was read, the result, who asked. */
interface VerificationRecord {
  key: CustomerKey;
  result: VerificationResult;
  actor: Actor;
  requestId?: string;
  onReplacementVerified?: ReplacementHook;
}

async function recordVerification(db: Db, input: VerificationRecord): Promise<string | null> {
  const { key, result } = input;
  const facts = result.facts;
  return db.$transaction(async (tx) => {
    // Only the key that is still active (or still proposed) may move on; a newer submission wins.
    const updated = await tx.customerKey.updateMany({
      where: { id: key.id, status: key.status },
      data: {
        verificationStatus:
          result.outcome === "verified"
            ? "VERIFIED"
            : result.outcome === "waiting_for_role"
              ? "WAITING_FOR_ROLE"
              : "FAILED",
        verification: verificationColumn.write(result),
        lastVerifiedAt: new Date(result.checkedAt),
        ...(facts && {
          verifiedVersion: facts.version,
          keyType: facts.keyType,
          keySize: facts.keySize,
          keyEnabled: facts.enabled,
          notBefore: facts.notBefore ? new Date(facts.notBefore) : null,
          expiresAt: facts.expiresAt ? new Date(facts.expiresAt) : null,
          recoveryLevel: facts.recoveryLevel,
        }),
      },
    });
    if (updated.count === 0) return null;
    if (key.status === "PROPOSED") return recordReplacement(tx, input);
    const onboarding = await tx.tenantOnboarding.findUniqueOrThrow({ where: { id: key.onboardingId } });
    const summary = {
      keyId: key.id,
      outcome: result.outcome,
      hops: result.hops.map((h) => `${h.id}:${h.status}`),
    };
    if (result.outcome === "verified" && onboarding.state === "KEY_SUBMITTED") {
      await transitionOnboarding(tx, {
        onboardingId: onboarding.id,
        to: "KEY_VERIFIED",
        actor: input.actor,
        action: "key.verified",
        details: summary,
        requestId: input.requestId,
      });
    } else {
      await recordAuditEvent(tx, {
        actor: input.actor,
        action:
          result.outcome === "verified"
            ? "key.reverified"
            : result.outcome === "waiting_for_role"
              ? "key.waiting_for_role"
              : "key.verification_failed",
        targetType: "customer_key",
        targetId: key.id,
        customerId: key.customerId,
        onboardingId: key.onboardingId,
        outcome: result.outcome === "failed" ? "failure" : "success",
        details: summary,
        requestId: input.requestId,
      });
    }
    return null;
  });
}

/** What follows a replacement key's successful verification, in its transaction; returns a run that started. */
export type ReplacementHook = (tx: Tx, key: CustomerKey, requestId?: string) => Promise<string | null>;

/**
 * A replacement key's verification: audited on the key; when verified, the hook files the "change key" run for
 * the ISV. Without the hook (a caller outside the pipeline) the key stays verified and proposed, and the next
 * verification through the pipeline files the run.
 */
async function recordReplacement(tx: Tx, input: VerificationRecord): Promise<string | null> {
  const { key, result } = input;
  await recordAuditEvent(tx, {
    actor: input.actor,
    action:
      result.outcome === "verified"
        ? "key.replacement_verified"
        : result.outcome === "waiting_for_role"
          ? "key.waiting_for_role"
          : "key.replacement_failed",
    targetType: "customer_key",
    targetId: key.id,
    customerId: key.customerId,
    onboardingId: key.onboardingId,
    outcome: result.outcome === "failed" ? "failure" : "success",
    details: { keyId: key.id, outcome: result.outcome, hops: result.hops.map((h) => `${h.id}:${h.status}`) },
    requestId: input.requestId,
  });
  if (result.outcome !== "verified" || !input.onReplacementVerified) return null;
  return input.onReplacementVerified(tx, key, input.requestId);
}
