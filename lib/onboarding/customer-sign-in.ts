import "server-only";
import crypto from "node:crypto";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { CustomerSession } from "@/lib/auth/session";
import { verifyIdToken } from "@/lib/auth/verify-id-token";
import { resolveTenantId } from "@/lib/azure/tenant-discovery";
import { getCloud, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { openInvite } from "./open-invite";
import { transitionOnboarding } from "./state-machine";

/** What the browser needs to run the MSAL redirect sign-in, and what the server keeps to check its result. */
export async function startCustomerSignIn(db: Db, token: string) {
  const { invite } = await openInvite(db, token);
  const env = getEnv();
  const cloud = getCloud();
  const nonce = crypto.randomBytes(24).toString("base64url");
  const pinnedTenantId = invite.pinnedTenant ? await resolveTenantId(invite.pinnedTenant) : null;
  return {
    pending: { token, nonce },
    msal: {
      clientId: env.SIGNIN_APP_CLIENT_ID,
      // A pinned invite sends the admin straight to their own tenant's sign-in page.
      authority: `${cloud.authorityHost}/${pinnedTenantId ?? "organizations"}`,
      knownAuthorities: cloud.knownAuthorities,
      redirectUri: new URL("/onboard/signed-in", env.APP_BASE_URL).toString(),
      nonce,
      loginHint: undefined as string | undefined,
      domainHint:
        invite.pinnedTenant && invite.pinnedTenant !== pinnedTenantId ? invite.pinnedTenant : undefined,
    },
  };
}

/**
 * Checks the ID token the browser got (signature, issuer, audience, nonce, expiry), that its tenant is
 * the one the invite is pinned to and the one this onboarding already belongs to, then records the sign-in.
 */
export async function completeCustomerSignIn(
  db: Db,
  input: { idToken: string; pending: { token: string; nonce: string } | null; requestId?: string },
): Promise<CustomerSession> {
  if (!input.pending)
    throw new AppError(
      "UNAUTHENTICATED",
      "Your sign-in took too long or started in another browser. Sign in again.",
    );
  const { invite, onboarding } = await openInvite(db, input.pending.token);
  const claims = await verifyIdToken(input.idToken, {
    audience: getEnv().SIGNIN_APP_CLIENT_ID,
    nonce: input.pending.nonce,
  });
  const upn = claims.preferred_username ?? claims.oid;
  const deny = async (reason: string, message: string, details: Record<string, string | null>) => {
    await recordAuditEvent(db, {
      actor: { type: "CUSTOMER", id: upn },
      action: "customer.sign_in_refused",
      targetType: "onboarding",
      targetId: onboarding.id,
      customerId: onboarding.customerId,
      onboardingId: onboarding.id,
      outcome: "denied",
      details: { reason, signedInTenant: claims.tid, ...details },
      requestId: input.requestId,
    });
    throw new AppError("FORBIDDEN", message, { details: { reason } });
  };

  if (invite.pinnedTenant) {
    const pinned = await resolveTenantId(invite.pinnedTenant);
    if (pinned !== claims.tid.toLowerCase()) {
      await deny(
        "pinned_tenant_mismatch",
        `This invite is for the organization ${invite.pinnedTenant}, but you signed in to another one (tenant ${claims.tid}). Sign in with an account of ${invite.pinnedTenant}.`,
        { pinnedTenant: invite.pinnedTenant },
      );
    }
  }
  if (onboarding.tenantId && onboarding.tenantId !== claims.tid.toLowerCase()) {
    await deny(
      "onboarding_tenant_mismatch",
      `This onboarding already belongs to tenant ${onboarding.tenantId}. Sign in with an account of that organization.`,
      {
        onboardingTenant: onboarding.tenantId,
      },
    );
  }

  await db.$transaction(async (tx) => {
    const actor = { type: "CUSTOMER" as const, id: upn };
    if (onboarding.state === "INVITED" || onboarding.state === "SIGNED_IN") {
      await transitionOnboarding(tx, {
        onboardingId: onboarding.id,
        to: "SIGNED_IN",
        actor,
        action: "customer.signed_in",
        data: { tenantId: claims.tid.toLowerCase(), signedInUserOid: claims.oid, signedInUserUpn: upn },
        details: { tenantId: claims.tid },
        requestId: input.requestId,
        // Two people on one unpinned link at once: the first tenant to sign in binds it; the other is refused.
        where: { OR: [{ tenantId: null }, { tenantId: claims.tid.toLowerCase() }] },
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "NOT_FOUND")
          throw new AppError(
            "FORBIDDEN",
            "This onboarding was just claimed by another organization's sign-in. Ask your contact for a link of your own.",
            { details: { reason: "onboarding_tenant_race" } },
          );
        throw error;
      });
    } else {
      await recordAuditEvent(tx, {
        actor,
        action: "customer.returned",
        targetType: "onboarding",
        targetId: onboarding.id,
        customerId: onboarding.customerId,
        onboardingId: onboarding.id,
        requestId: input.requestId,
      });
    }
    await tx.invite.update({ where: { id: invite.id }, data: { lastOpenedAt: new Date() } });
  });

  return {
    sid: crypto.randomBytes(24).toString("base64url"),
    onboardingId: onboarding.id,
    inviteToken: input.pending.token,
    tid: claims.tid.toLowerCase(),
    oid: claims.oid,
    upn,
    name: claims.name ?? upn,
  };
}
