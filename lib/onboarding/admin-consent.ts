import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { hashToken } from "@/lib/auth/invite-token";
import type { CustomerSession } from "@/lib/auth/session";
import { getCloud, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { countInWindow, countMiss } from "@/lib/security/rate-limit";
import { proveConsent } from "./prove-consent";
import { transitionOnboarding } from "./state-machine";

const STATE_TTL_MS = 10 * 60_000;

export const consentRedirectUri = () =>
  new URL("/onboard/consent-callback", getEnv().APP_BASE_URL).toString();

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
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  const cloud = getCloud();
  const url = new URL(`${cloud.authorityHost}/${session.tid}/v2.0/adminconsent`);
  url.searchParams.set("client_id", getEnv().CMK_APP_CLIENT_ID);
  // The app needs no permissions in the customer's tenant; /.default on Graph only creates its service principal.
  url.searchParams.set("scope", cloud.scopes.graph);
  url.searchParams.set("redirect_uri", consentRedirectUri());
  url.searchParams.set("state", state);
  return url.toString();
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

export type ConsentOutcome =
  | { kind: "consented"; inviteToken: string; servicePrincipalObjectId: string }
  | { kind: "not_yet_visible"; inviteToken: string }
  | { kind: "declined"; inviteToken: string; reason: ConsentFailureReason; azureCode?: string }
  | { kind: "rejected"; reason: string };

export type ConsentFailureReason = "cancelled" | "not_admin" | "bad_redirect" | "unknown_app" | "other";

/**
 * Handles the redirect back from admin consent. The callback itself proves nothing: it must carry a live,
 * unused state issued to this very browser session for this tenant; success is then proved by a token.
 * Anything forged or replayed is audited and changes nothing.
 */
export async function handleConsentCallback(
  db: Db,
  input: {
    query: URLSearchParams;
    session: CustomerSession | null;
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
    include: { onboarding: true },
  });
  if (!request) {
    await countMiss(db, input.address);
    return reject("unknown_state");
  }
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
      inviteToken: session.inviteToken,
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
    return { kind: "not_yet_visible", inviteToken: session.inviteToken };
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
    inviteToken: session.inviteToken,
    servicePrincipalObjectId: proof.servicePrincipalObjectId,
  };
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
