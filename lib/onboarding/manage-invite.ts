import "server-only";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { generateInviteToken, hashToken } from "@/lib/auth/invite-token";
import { AppError } from "@/lib/errors";

const DAY_MS = 86_400_000;

/** Revokes an invite link at once; the onboarding keeps its state and can get a new link by re-issuing. */
export async function revokeInvite(db: Db, input: { inviteId: string; actor: Actor; requestId?: string }) {
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
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "invite.revoked",
      targetType: "invite",
      targetId: invite.id,
      customerId: invite.customerId,
      onboardingId: invite.onboarding?.id,
      requestId: input.requestId,
    });
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
