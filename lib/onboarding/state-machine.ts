import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";

/**
 * The onboarding lifecycle. This module is the only writer of TenantOnboarding.state: every transition is
 * checked against this table and committed together with its audit event.
 */
export const ONBOARDING_TRANSITIONS: Record<OnboardingState, readonly OnboardingState[]> = {
  INVITED: ["SIGNED_IN", "REVOKED"],
  SIGNED_IN: ["SIGNED_IN", "CONSENTED", "REVOKED", "FAILED"],
  CONSENTED: ["KEY_SUBMITTED", "REVOKED", "FAILED"],
  KEY_SUBMITTED: ["KEY_SUBMITTED", "KEY_VERIFIED", "CONSENTED", "FAILED", "REVOKED"],
  KEY_VERIFIED: ["KEY_SUBMITTED", "APPLIED", "KEY_UNREACHABLE", "REVOKED"],
  APPLIED: ["HEALTHY", "KEY_UNREACHABLE", "KEY_SUBMITTED", "REVOKED"],
  HEALTHY: ["KEY_UNREACHABLE", "KEY_SUBMITTED", "REVOKED"],
  KEY_UNREACHABLE: ["HEALTHY", "KEY_VERIFIED", "KEY_SUBMITTED", "REVOKED", "FAILED"],
  REVOKED: [],
  FAILED: ["SIGNED_IN", "CONSENTED", "KEY_SUBMITTED"],
};

export function canTransition(from: OnboardingState, to: OnboardingState): boolean {
  return ONBOARDING_TRANSITIONS[from].includes(to);
}

export interface TransitionInput {
  onboardingId: string;
  to: OnboardingState;
  actor: Actor;
  /** The audit action, e.g. "onboarding.consented". */
  action: string;
  data?: Omit<Prisma.TenantOnboardingUncheckedUpdateInput, "state" | "stateChangedAt" | "id">;
  details?: Prisma.InputJsonValue;
  requestId?: string;
  /** Extra guard for tenant isolation: the row must also match these fields. */
  where?: Prisma.TenantOnboardingWhereInput;
}

/**
 * Moves an onboarding to `to` if the table allows it from its current state. The update is conditional on
 * the state read, so two concurrent transitions cannot both win.
 */
export async function transitionOnboarding(tx: Tx, input: TransitionInput) {
  const current = await tx.tenantOnboarding.findFirst({ where: { id: input.onboardingId, ...input.where } });
  if (!current) throw new AppError("NOT_FOUND", "This onboarding does not exist.");
  if (!canTransition(current.state, input.to)) {
    throw new AppError(
      "CONFLICT",
      `This step is not possible now: the onboarding is ${describeState(current.state)}.`,
      {
        details: { from: current.state, to: input.to },
      },
    );
  }
  const updated = await tx.tenantOnboarding.updateMany({
    where: { id: current.id, state: current.state, updatedAt: current.updatedAt },
    data: { ...input.data, state: input.to, stateChangedAt: new Date() },
  });
  if (updated.count !== 1)
    throw new AppError(
      "CONFLICT",
      "Someone else changed this onboarding at the same moment; reload and try again.",
    );
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: input.action,
    targetType: "onboarding",
    targetId: current.id,
    customerId: current.customerId,
    onboardingId: current.id,
    details: { from: current.state, to: input.to, ...(isObject(input.details) ? input.details : {}) },
    requestId: input.requestId,
  });
  return tx.tenantOnboarding.findUniqueOrThrow({ where: { id: current.id } });
}

const STATE_WORDS: Record<OnboardingState, string> = {
  INVITED: "invited",
  SIGNED_IN: "signed in",
  CONSENTED: "consented",
  KEY_SUBMITTED: "waiting for key verification",
  KEY_VERIFIED: "key verified",
  APPLIED: "key applied to resources",
  HEALTHY: "healthy",
  KEY_UNREACHABLE: "key unreachable",
  REVOKED: "revoked",
  FAILED: "failed",
};

export function describeState(state: OnboardingState): string {
  return STATE_WORDS[state];
}

function isObject(value: unknown): value is Record<string, Prisma.InputJsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
