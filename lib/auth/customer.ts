import "server-only";
import type { Db } from "@/lib/db/create-db";
import { hashToken } from "./invite-token";
import { getCustomerSession, type CustomerSession } from "./session";

/**
 * The customer's session, only while the invite it was opened with still works: revoking or re-issuing the
 * link (or its expiry) ends every session already open, at the next request. Also checks the onboarding is
 * still the session's and still belongs to the tenant the admin signed in to.
 */
export async function getValidCustomerSession(db: Db, now = new Date()): Promise<CustomerSession | null> {
  const session = await getCustomerSession();
  if (!session) return null;
  return (await isCustomerSessionValid(db, session, now)) ? session : null;
}

export async function isCustomerSessionValid(
  db: Db,
  session: CustomerSession,
  now = new Date(),
): Promise<boolean> {
  const invite = await db.invite.findUnique({
    where: { tokenHash: hashToken(session.inviteToken) },
    select: { revokedAt: true, expiresAt: true, onboarding: { select: { id: true, tenantId: true } } },
  });
  return Boolean(
    invite &&
    !invite.revokedAt &&
    invite.expiresAt > now &&
    invite.onboarding?.id === session.onboardingId &&
    (invite.onboarding.tenantId === null || invite.onboarding.tenantId === session.tid),
  );
}
