import "server-only";
import crypto from "node:crypto";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { generateInviteToken, hashToken, isWellFormedInviteToken } from "@/lib/auth/invite-token";
import type { CustomerSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { adminConsentUrl, CONSENT_STATE_TTL_MS } from "./consent-url";

/** How long a forwarded request works: an admin may need a few days to get to it. Never past the invite's expiry. */
export const FORWARD_TTL_MS = 7 * 24 * 3600_000;

/** The browser binding of a forwarded consent: the admin's browser holds it in a sealed cookie. */
export interface ForwardBrowser {
  /** Random per start; the consent state is bound to its hash. */
  sid: string;
  /** The forwarded link's token, so the callback can send the admin back to the request's page. */
  token: string;
}

const consentable = (state: string) => state === "SIGNED_IN" || state === "FAILED";

export const forwardUrl = (token: string) =>
  new URL(`/onboard/consent-request/${token}`, getEnv().APP_BASE_URL).toString();

/**
 * The person onboarding is not an admin of their tenant: a link they forward to one. It names this onboarding and
 * the tenant they signed in to, nothing else (no session, no invite link). A new request replaces the previous one.
 */
export async function createConsentForward(
  db: Db,
  session: CustomerSession,
  requestId?: string,
): Promise<{ url: string; expiresAt: Date }> {
  const token = generateInviteToken();
  const now = new Date();
  const expiresAt = await db.$transaction(async (tx) => {
    const onboarding = await tx.tenantOnboarding.findFirst({
      where: { id: session.onboardingId, tenantId: session.tid },
      include: { invite: { select: { expiresAt: true } } },
    });
    if (!onboarding)
      throw new AppError("NOT_FOUND", "Your onboarding was not found. Open your invite link again.");
    if (!consentable(onboarding.state))
      throw new AppError("CONFLICT", "Consent is already granted for this onboarding.");
    const expiresAt = new Date(
      Math.min(now.getTime() + FORWARD_TTL_MS, onboarding.invite.expiresAt.getTime()),
    );
    const replaced = await tx.consentForward.updateMany({
      where: { onboardingId: onboarding.id, replacedAt: null, usedAt: null },
      data: { replacedAt: now },
    });
    const forward = await tx.consentForward.create({
      data: {
        onboardingId: onboarding.id,
        tokenHash: hashToken(token),
        tenantId: session.tid,
        inviteTokenHash: hashToken(session.inviteToken),
        requestedBy: session.upn,
        expiresAt,
      },
    });
    await recordAuditEvent(tx, {
      actor: { type: "CUSTOMER", id: session.upn },
      action: "consent.forwarded",
      targetType: "onboarding",
      targetId: onboarding.id,
      onboardingId: onboarding.id,
      customerId: onboarding.customerId,
      details: { forwardId: forward.id, tenant: session.tid, expiresAt, replaced: replaced.count },
      requestId,
    });
    return expiresAt;
  });
  return { url: forwardUrl(token), expiresAt };
}

export type ForwardView = {
  customerName: string;
  requestedBy: string;
  tenantId: string;
  expiresAt: Date;
  /** open: an admin can grant; granted: consent was proved (here or otherwise); closed: no longer usable. */
  status: "open" | "granted" | "closed";
};

/**
 * The forwarded request behind a link, or an AppError: unknown tokens are misses (counted against the address,
 * a 404); a replaced, expired or orphaned request says it no longer works, without saying more.
 */
export async function openConsentForward(db: Db, token: string, now = new Date()) {
  const unknown = () =>
    new AppError(
      "NOT_FOUND",
      "This consent request link is not valid. Ask the colleague who sent it for a new one.",
      {
        details: { miss: true },
      },
    );
  if (!isWellFormedInviteToken(token)) throw unknown();
  const forward = await db.consentForward.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { onboarding: { include: { invite: true, customer: { select: { name: true } } } } },
  });
  if (!forward) throw unknown();
  const { onboarding } = forward;
  const view: ForwardView = {
    customerName: onboarding.customer.name,
    requestedBy: forward.requestedBy,
    tenantId: forward.tenantId,
    expiresAt: forward.expiresAt,
    status: "open",
  };
  return { forward, view: { ...view, status: forwardStatus(forward, onboarding, now) } };
}

/** Whether a forwarded request can still be used, was used (or consent came another way), or is closed. */
export function forwardStatus(
  forward: {
    usedAt: Date | null;
    replacedAt: Date | null;
    expiresAt: Date;
    inviteTokenHash: string;
    tenantId: string;
  },
  onboarding: {
    state: string;
    tenantId: string | null;
    servicePrincipalObjectId: string | null;
    invite: { revokedAt: Date | null; expiresAt: Date; tokenHash: string };
  },
  now = new Date(),
): ForwardView["status"] {
  if (forward.usedAt || (!consentable(onboarding.state) && onboarding.servicePrincipalObjectId))
    return "granted";
  const usable =
    !forward.replacedAt &&
    forward.expiresAt > now &&
    !onboarding.invite.revokedAt &&
    onboarding.invite.expiresAt > now &&
    onboarding.invite.tokenHash === forward.inviteTokenHash &&
    onboarding.tenantId === forward.tenantId &&
    consentable(onboarding.state);
  return usable ? "open" : "closed";
}

/**
 * The admin chose "Grant admin consent" on a forwarded request: a fresh single-use state bound to their browser
 * (`browser.sid`) and to the request, and Microsoft's admin-consent URL for the requester's tenant only.
 */
export async function startForwardedConsent(
  db: Db,
  token: string,
): Promise<{ url: string; browser: ForwardBrowser }> {
  const { forward, view } = await openConsentForward(db, token);
  if (view.status === "granted")
    throw new AppError(
      "CONFLICT",
      "Consent is already granted for this organization. Nothing more is needed.",
    );
  if (view.status !== "open")
    throw new AppError(
      "INVITE_UNUSABLE",
      "This consent request no longer works. Ask the colleague who sent it for a new one.",
    );
  const browser: ForwardBrowser = { sid: crypto.randomBytes(32).toString("base64url"), token };
  const state = crypto.randomBytes(32).toString("base64url");
  await db.consentRequest.create({
    data: {
      onboardingId: forward.onboardingId,
      forwardId: forward.id,
      stateHash: hashToken(state),
      sessionHash: hashToken(browser.sid),
      tenantId: forward.tenantId,
      expiresAt: new Date(Date.now() + CONSENT_STATE_TTL_MS),
    },
  });
  return { url: adminConsentUrl(forward.tenantId, state), browser };
}
