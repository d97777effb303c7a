import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { hashToken } from "@/lib/auth/invite-token";
import type { CustomerSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { countInWindow, countMiss } from "@/lib/security/rate-limit";
import { adminConsentUrl, CONSENT_STATE_TTL_MS } from "./consent-url";
import { forwardStatus, type ForwardBrowser } from "./forward-consent";
import { proveConsent } from "./prove-consent";
import { transitionOnboarding } from "./state-machine";

export { consentRedirectUri } from "./consent-url";

/** The tenant-specific v2 admin-consent URL, with a fresh single-use state bound to this browser session. */
export async function startAdminConsent(db: Db, session: CustomerSession): Promise<string> {
  const onboarding = await db.tenantOnboarding.findFirst({
    where: { id: session.onboardingId, tenantId: session.tid },
  });
  if (!onboarding)
    throw new AppError("NOT_FOUND", "Your onboarding was not found. Open your invite link again.");
  if (onboarding.state !== "SIGNED_IN" && onboarding.state !== "FAILED") {
    throw new AppError("CONFLICT", "Consent is already granted for this onboarding.");
  }
  const state = crypto.randomBytes(32).toString("base64url");
  await db.consentRequest.create({
    data: {
      onboardingId: onboarding.id,
      stateHash: hashToken(state),
      sessionHash: hashToken(session.sid),
      tenantId: session.tid,
      expiresAt: new Date(Date.now() + CONSENT_STATE_TTL_MS),
    },
  });
  return adminConsentUrl(session.tid, state);
}

const callbackSchema = z.object({
  state: z.string().max(200).optional(),
  tenant: z.string().max(100).optional(),
  admin_consent: z.string().max(10).optional(),
  scope: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(4000).optional(),
  error_subcode: z.string().max(100).optional(),
});

/** `page`: where the browser goes next — the customer's onboarding page, or the forwarded request's page. */
export type ConsentOutcome =
  | { kind: "consented"; page: string; servicePrincipalObjectId: string }
  | { kind: "not_yet_visible"; page: string }
  | { kind: "declined"; page: string; reason: ConsentFailureReason; azureCode?: string }
  | { kind: "rejected"; reason: string };

const customerPage = (session: CustomerSession) => `/onboard/${session.inviteToken}`;
const forwardPage = (browser: ForwardBrowser) => `/onboard/consent-request/${browser.token}`;

export type ConsentFailureReason = "cancelled" | "not_admin" | "bad_redirect" | "unknown_app" | "other";

/**
 * Handles the redirect back from admin consent. The callback itself proves nothing: it must carry a live,
 * unused state issued to this very browser — the customer's session, or the admin's browser that opened a
 * forwarded request (`forward`) — for this tenant; success is then proved by a token.
 * Anything forged or replayed is audited and changes nothing.
 */
export async function handleConsentCallback(
  db: Db,
  input: {
    query: URLSearchParams;
    session: CustomerSession | null;
    /** The sealed cookie of an admin who started consent from a forwarded request. */
    forward?: ForwardBrowser | null;
    /** The client's address (lib/request-context.ts): unknown states count against it. */
    address: string;
    requestId?: string;
  },
): Promise<ConsentOutcome> {
  const parsed = callbackSchema.safeParse(Object.fromEntries(input.query));
  const q = parsed.success ? parsed.data : {};
  const reject = async (reason: string, onboarding?: { id: string; customerId: string }) => {
    // One audit event per address and minute: a flood of forged callbacks cannot grow the audit log.
    const inWindow = await countInWindow(db, `audit:consent-rejected:${input.address}`, 60);
    if (inWindow === 1)
      await recordAuditEvent(db, {
        actor: input.session ? { type: "CUSTOMER", id: input.session.upn } : { type: "ANONYMOUS" },
        action: "consent.callback_rejected",
        targetType: "onboarding",
        targetId: onboarding?.id,
        onboardingId: onboarding?.id,
        customerId: onboarding?.customerId,
        outcome: "denied",
        details: {
          reason,
          tenant: q.tenant ?? null,
          hasSession: input.session !== null,
          note: "further rejections from this address in the same minute are counted, not recorded",
        },
        requestId: input.requestId,
      });
    return { kind: "rejected", reason } as const;
  };
  if (!parsed.success || !q.state) {
    await countMiss(db, input.address);
    return reject("malformed");
  }

  const request = await db.consentRequest.findUnique({
    where: { stateHash: hashToken(q.state) },
    include: { onboarding: true, forward: { include: { onboarding: { include: { invite: true } } } } },
  });
  if (!request) {
    await countMiss(db, input.address);
    return reject("unknown_state");
  }
  if (request.forward)
    return forwardedCallback(db, {
      q,
      request,
      forward: request.forward,
      onboarding: request.onboarding,
      browser: input.forward,
      requestId: input.requestId,
      reject,
    });
  // Only the browser session that asked for consent may spend its state: a callback opened elsewhere
  // (another browser, a link shared too early) is refused without burning the real one.
  const session = input.session;
  if (
    !session ||
    hashToken(session.sid) !== request.sessionHash ||
    session.onboardingId !== request.onboardingId
  ) {
    return reject("session_mismatch", request.onboarding);
  }
  if (request.usedAt) return reject("replayed_state", request.onboarding);
  if (request.expiresAt < new Date()) return reject("expired_state", request.onboarding);
  // Single use: the first callback of the owning session that presents it spends it.
  const spentAt = new Date();
  const spent = await db.consentRequest.updateMany({
    where: { id: request.id, usedAt: null },
    data: { usedAt: spentAt },
  });
  if (spent.count === 0) return reject("replayed_state", request.onboarding);

  if (q.error) {
    const reason = classifyConsentError(q.error, q.error_description, q.error_subcode);
    await recordAuditEvent(db, {
      actor: { type: "CUSTOMER", id: session.upn },
      action: "consent.declined",
      targetType: "onboarding",
      targetId: request.onboardingId,
      onboardingId: request.onboardingId,
      customerId: request.onboarding.customerId,
      outcome: "failure",
      details: { reason, error: q.error, description: q.error_description?.split("\n")[0] ?? null },
      requestId: input.requestId,
    });
    return {
      kind: "declined",
      page: customerPage(session),
      reason,
      azureCode: /AADSTS\d+/.exec(q.error_description ?? "")?.[0] ?? q.error,
    };
  }
  if (!q.tenant || q.tenant.toLowerCase() !== request.tenantId)
    return reject("tenant_mismatch", request.onboarding);

  try {
    return await confirmConsent(db, { session, requestId: input.requestId });
  } catch (error) {
    // Nothing was recorded: the state is handed back, so this callback (or "Check again") can still finish.
    await db.consentRequest.updateMany({
      where: { id: request.id, usedAt: spentAt },
      data: { usedAt: null },
    });
    throw error;
  }
}

/**
 * Proves consent by acquiring a token for the ISV's app in the customer's tenant; its `oid` is the service
 * principal's object ID. Used after the callback and by "check again" (e.g. consent granted by a colleague).
 */
export async function confirmConsent(
  db: Db,
  input: { session: CustomerSession; requestId?: string },
): Promise<ConsentOutcome> {
  const { session } = input;
  const proof = await proveConsent(session.tid);
  if (!proof.ok) {
    await recordAuditEvent(db, {
      actor: { type: "CUSTOMER", id: session.upn },
      action: "consent.not_proved",
      targetType: "onboarding",
      targetId: session.onboardingId,
      onboardingId: session.onboardingId,
      outcome: "failure",
      details: { azureCode: proof.code, message: proof.message },
      requestId: input.requestId,
    });
    return { kind: "not_yet_visible", page: customerPage(session) };
  }
  await db.$transaction((tx) =>
    transitionOnboarding(tx, {
      onboardingId: session.onboardingId,
      where: { tenantId: session.tid },
      to: "CONSENTED",
      actor: { type: "CUSTOMER", id: session.upn },
      action: "consent.granted",
      data: { consentedAt: new Date(), servicePrincipalObjectId: proof.servicePrincipalObjectId },
      details: {
        servicePrincipalObjectId: proof.servicePrincipalObjectId,
        provedBy: "token in customer tenant",
      },
      requestId: input.requestId,
    }),
  );
  return {
    kind: "consented",
    page: customerPage(session),
    servicePrincipalObjectId: proof.servicePrincipalObjectId,
  };
}

/**
 * The callback of consent started from a forwarded request. Only the admin's browser that started it may spend
 * the state (its sealed cookie carries the request's token and a random `sid` the state is bound to); the
 * customer's own session cannot, nor anybody else. The tenant is the one the requester signed in to, fixed when
 * the request was made: a callback for another tenant is refused, and consent is proved by a token in that
 * tenant only, on the same path as the customer's own consent.
 */
async function forwardedCallback(
  db: Db,
  input: {
    q: z.infer<typeof callbackSchema>;
    request: {
      id: string;
      onboardingId: string;
      sessionHash: string;
      tenantId: string;
      usedAt: Date | null;
      expiresAt: Date;
    };
    forward: Parameters<typeof forwardStatus>[0] & {
      id: string;
      tokenHash: string;
      requestedBy: string;
      onboarding: Parameters<typeof forwardStatus>[1];
    };
    onboarding: { id: string; customerId: string; tenantId: string | null };
    browser: ForwardBrowser | null | undefined;
    requestId?: string;
    reject: (reason: string, onboarding?: { id: string; customerId: string }) => Promise<ConsentOutcome>;
  },
): Promise<ConsentOutcome> {
  const { q, request, forward, onboarding, browser, reject } = input;
  if (
    !browser ||
    hashToken(browser.sid) !== request.sessionHash ||
    hashToken(browser.token) !== forward.tokenHash
  )
    return reject("session_mismatch", onboarding);
  if (request.usedAt) return reject("replayed_state", onboarding);
  if (request.expiresAt < new Date()) return reject("expired_state", onboarding);
  // Replaced, expired, its invite revoked or re-issued since the admin started: nothing more may happen.
  if (forwardStatus(forward, forward.onboarding) !== "open") return reject("forward_closed", onboarding);
  const spentAt = new Date();
  const spent = await db.consentRequest.updateMany({
    where: { id: request.id, usedAt: null },
    data: { usedAt: spentAt },
  });
  if (spent.count === 0) return reject("replayed_state", onboarding);
  // Who granted it is Entra's to know (the callback names no user); the request says who asked.
  const actor = { type: "CUSTOMER" as const, id: `admin asked by ${forward.requestedBy}`.slice(0, 320) };
  const page = forwardPage(browser);

  if (q.error) {
    const reason = classifyConsentError(q.error, q.error_description, q.error_subcode);
    await recordAuditEvent(db, {
      actor,
      action: "consent.declined",
      targetType: "onboarding",
      targetId: onboarding.id,
      onboardingId: onboarding.id,
      customerId: onboarding.customerId,
      outcome: "failure",
      details: {
        reason,
        error: q.error,
        description: q.error_description?.split("\n")[0] ?? null,
        forwardId: forward.id,
      },
      requestId: input.requestId,
    });
    return {
      kind: "declined",
      page,
      reason,
      azureCode: /AADSTS\d+/.exec(q.error_description ?? "")?.[0] ?? q.error,
    };
  }
  if (!q.tenant || q.tenant.toLowerCase() !== forward.tenantId) return reject("tenant_mismatch", onboarding);

  const handBack = () =>
    db.consentRequest.updateMany({ where: { id: request.id, usedAt: spentAt }, data: { usedAt: null } });
  let proof;
  try {
    proof = await proveConsent(forward.tenantId);
  } catch (error) {
    await handBack();
    throw error;
  }
  if (!proof.ok) {
    await recordAuditEvent(db, {
      actor,
      action: "consent.not_proved",
      targetType: "onboarding",
      targetId: onboarding.id,
      onboardingId: onboarding.id,
      customerId: onboarding.customerId,
      outcome: "failure",
      details: { azureCode: proof.code, message: proof.message, forwardId: forward.id },
      requestId: input.requestId,
    });
    return { kind: "not_yet_visible", page };
  }
  const servicePrincipalObjectId = proof.servicePrincipalObjectId;
  try {
    await db.$transaction(async (tx) => {
      await transitionOnboarding(tx, {
        onboardingId: onboarding.id,
        where: { tenantId: forward.tenantId },
        to: "CONSENTED",
        actor,
        action: "consent.granted",
        data: { consentedAt: new Date(), servicePrincipalObjectId },
        details: {
          servicePrincipalObjectId,
          provedBy: "token in customer tenant",
          forwardId: forward.id,
          requestedBy: forward.requestedBy,
        },
        requestId: input.requestId,
      });
      await tx.consentForward.update({ where: { id: forward.id }, data: { usedAt: new Date() } });
    });
  } catch (error) {
    await handBack();
    throw error;
  }
  return { kind: "consented", page, servicePrincipalObjectId };
}

/** docs/azure-contracts.md §2.1: how Entra reports each way admin consent can fail. */
export function classifyConsentError(error: string, description = "", subcode = ""): ConsentFailureReason {
  const code = /AADSTS(\d+)/.exec(description)?.[1];
  // The AADSTS number is the precise signal; `error` alone is access_denied for several causes.
  if (code === "90094" || code === "90095" || code === "90099") return "not_admin";
  if (subcode === "cancel" || code === "65004" || error === "access_denied" || error === "permission_denied")
    return "cancelled";
  if (code === "50011") return "bad_redirect";
  if (code === "700016" || code === "700011") return "unknown_app";
  return "other";
}
