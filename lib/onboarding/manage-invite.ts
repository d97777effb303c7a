import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { generateInviteToken, hashToken } from "@/lib/auth/invite-token";
import { AppError } from "@/lib/errors";

const DAY_MS = 86_400_000;

/**
 * What else revoking an invite ends, in its transaction: the customer's key hand-over still waiting (the pipeline
 * passes it, `lib/operations/key-handover.ts`; this folder sits below the pipeline). Returns how many it declined.
 */
export type InviteRevokedHook = (
  tx: Tx,
  input: { onboardingId: string; actor: Actor; requestId?: string },
) => Promise<number>;

/**
 * Revokes an invite link at once; the onboarding keeps its state and can get a new link by re-issuing. With the
 * hook, a key hand-over of the customer that is not applied yet is declined in the same transaction.
 */
export async function revokeInvite(
  db: Db,
  input: { inviteId: string; actor: Actor; requestId?: string; onRevoked?: InviteRevokedHook },
) {
  return db.$transaction(async (tx) => {
    const invite = await tx.invite.findUnique({
      where: { id: input.inviteId },
      include: { onboarding: true },
    });
    if (!invite) throw new AppError("NOT_FOUND", "This invite does not exist.");
    if (invite.revokedAt) throw new AppError("CONFLICT", "This invite is already revoked.");
    await tx.invite.update({
      where: { id: invite.id },
      data: { revokedAt: new Date(), revokedBy: input.actor.id },
    });
    const declinedHandovers =
      invite.onboarding && input.onRevoked
        ? await input.onRevoked(tx, {
            onboardingId: invite.onboarding.id,
            actor: input.actor,
            requestId: input.requestId,
          })
        : 0;
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "invite.revoked",
      targetType: "invite",
      targetId: invite.id,
      customerId: invite.customerId,
      onboardingId: invite.onboarding?.id,
      details: { declinedHandovers },
      requestId: input.requestId,
    });
    return { declinedHandovers };
  });
}

/**
 * Replaces the invite's token and expiry: the old link stops working, the onboarding continues where it was.
 * Returns the new token, shown once.
 */
export async function reissueInvite(
  db: Db,
  input: { inviteId: string; actor: Actor; ttlDays: number; requestId?: string },
) {
  const token = generateInviteToken();
  await db.$transaction(async (tx) => {
    const invite = await tx.invite.findUnique({
      where: { id: input.inviteId },
      include: { onboarding: true },
    });
    if (!invite) throw new AppError("NOT_FOUND", "This invite does not exist.");
    if (invite.onboarding?.state === "REVOKED")
      throw new AppError("CONFLICT", "This onboarding was revoked; create a new invite instead.");
    const expiresAt = new Date(Date.now() + input.ttlDays * DAY_MS);
    await tx.invite.update({
      where: { id: invite.id },
      data: { tokenHash: hashToken(token), expiresAt, revokedAt: null, revokedBy: null },
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "invite.reissued",
      targetType: "invite",
      targetId: invite.id,
      customerId: invite.customerId,
      onboardingId: invite.onboarding?.id,
      details: { expiresAt: expiresAt.toISOString(), previouslyRevoked: invite.revokedAt !== null },
      requestId: input.requestId,
    });
  });
  return { token };
}
