import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import type { CustomerKey } from "@/lib/generated/prisma/client";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { runKeyVerification } from "@/lib/onboarding/run-key-verification";
import { describeState } from "@/lib/onboarding/state-machine";
import { parseSubmittedKey, submittedKeyRow } from "@/lib/onboarding/submit-customer-key";
import { getIsvSettings } from "@/lib/settings/isv-settings";
import { revokeInvite } from "@/lib/onboarding/manage-invite";
import { declineKeyHandovers, requestKeyHandoverRun, withdrawKeyHandover } from "./fleet-run";

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
      data: { ...submittedKeyRow(onboarding, session, key), status: "PROPOSED", replacesKeyId: current.id },
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

/**
 * Verifies a customer's key (lib/onboarding/run-key-verification.ts); a replacement key that verifies becomes a
 * change-key run in the same transaction (`fileKeyHandover`). The app's actions and the worker verify through here.
 */
export function verifyCustomerKey(db: Db, input: { keyId: string; actor?: Actor; requestId?: string }) {
  return runKeyVerification(db, { ...input, onReplacementVerified: fileKeyHandover });
}

/**
 * A verified replacement key: its "change key" run for the ISV, which waits for an Admin or starts at once as the
 * ISV's policy says. Returns the ID of a run that started (its first batch is for the caller to queue).
 */
export async function fileKeyHandover(tx: Tx, key: CustomerKey, requestId?: string): Promise<string | null> {
  // Verified again after its run was filed (a "verify again"): the run already stands.
  const filed = await tx.operationRun.findFirst({ where: { targetKeyId: key.id }, select: { id: true } });
  if (filed) return null;
  const { keyHandoverPolicy } = await getIsvSettings(tx);
  const { runId, started } = await requestKeyHandoverRun(tx, {
    key,
    autoApply: keyHandoverPolicy === "AUTO_APPLY",
    requestId,
  });
  return started ? runId : null;
}

/**
 * Revokes a customer's invite (lib/onboarding/manage-invite.ts) and, in the same transaction, declines their key
 * hand-over that is not applied yet: a customer whose link was revoked has nothing waiting for an Admin.
 */
export function revokeInviteAndHandover(
  db: Db,
  input: { inviteId: string; actor: Actor; requestId?: string },
) {
  return revokeInvite(db, { ...input, onRevoked: declineKeyHandovers });
}
