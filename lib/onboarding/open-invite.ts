import "server-only";
import type { Db } from "@/lib/db/create-db";
import { hashToken, isWellFormedInviteToken } from "@/lib/auth/invite-token";
import { AppError } from "@/lib/errors";

/**
 * The onboarding behind an invite link, or an AppError that says plainly why the link does not work.
 * Expired and revoked links are told apart so the customer knows whom to ask.
 */
export async function openInvite(db: Db, token: string, now = new Date()) {
  if (!isWellFormedInviteToken(token))
    throw new AppError(
      "NOT_FOUND",
      "This invite link is incomplete or mistyped. Copy the whole link from the message you received.",
      { details: { miss: true } },
    );
  const invite = await db.invite.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { customer: true, onboarding: true },
  });
  if (!invite || !invite.onboarding)
    throw new AppError(
      "NOT_FOUND",
      "This invite link is not valid. It may have been replaced by a newer link.",
      { details: { miss: true } },
    );
  if (invite.revokedAt)
    throw new AppError("INVITE_UNUSABLE", "This invite link was revoked. Ask your contact for a new one.", {
      details: { reason: "revoked" },
    });
  if (invite.expiresAt <= now) {
    throw new AppError(
      "INVITE_UNUSABLE",
      `This invite link expired on ${invite.expiresAt.toISOString().slice(0, 10)}. Ask your contact to send a new one.`,
      {
        details: { reason: "expired" },
      },
    );
  }
  return { invite, customer: invite.customer, onboarding: invite.onboarding };
}
