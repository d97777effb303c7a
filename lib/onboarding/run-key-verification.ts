import "server-only";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, SYSTEM_ACTOR, type Actor } from "@/lib/audit/record-audit-event";
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
 */
export async function runKeyVerification(
  db: Db,
  input: { keyId: string; actor?: Actor; requestId?: string },
) {
  const key = await db.customerKey.findUnique({ where: { id: input.keyId }, include: { onboarding: true } });
  if (!key || key.status !== "ACTIVE" || !key.onboarding.servicePrincipalObjectId)
    return { result: null, retry: false };
  const inWindow = Date.now() - key.createdAt.getTime() < ROLE_PROPAGATION_WINDOW_MS;
  const result = await verifyCustomerKeyFreshOnRefusal({
    tenantId: key.tenantId,
    spObjectId: key.onboarding.servicePrincipalObjectId,
    inPropagationWindow: inWindow,
    key: keyTargetOf(key),
  });
  await recordVerification(db, {
    key,
    result,
    actor: input.actor ?? SYSTEM_ACTOR,
    requestId: input.requestId,
  });
  return { result, retry: result.outcome === "waiting_for_role" };
}

async function recordVerification(
  db: Db,
  input: {
    key: { id: string; onboardingId: string; customerId: string };
    result: VerificationResult;
    actor: Actor;
    requestId?: string;
  },
) {
  const { key, result } = input;
  const facts = result.facts;
  await db.$transaction(async (tx) => {
    // Only the key that is still active may move the onboarding; a newer submission wins.
    const updated = await tx.customerKey.updateMany({
      where: { id: key.id, status: "ACTIVE" },
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
    if (updated.count === 0) return;
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
  });
}
