import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import { parseKeyUri, type ParsedKeyUri } from "@/lib/keys/parse-key-uri";
import { getCloud } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { transitionOnboarding } from "./state-machine";

const SUBMITTABLE = new Set(["CONSENTED", "KEY_SUBMITTED", "KEY_VERIFIED", "FAILED"]);

/**
 * Accepts a key URI from the customer's admin: parsed strictly (nothing is called for a URI that fails),
 * stored as the onboarding's active key, replacing an earlier one, in one transaction with its audit event.
 */
export async function submitCustomerKey(
  db: Db,
  input: { session: CustomerSession; keyUri: string; requestId?: string },
) {
  const { session } = input;
  const key = await parseSubmittedKey(db, input);
  return db.$transaction(async (tx) => {
    const onboarding = await tx.tenantOnboarding.findFirst({
      where: { id: session.onboardingId, tenantId: session.tid },
    });
    if (!onboarding)
      throw new AppError("NOT_FOUND", "Your onboarding was not found. Open your invite link again.");
    if (!SUBMITTABLE.has(onboarding.state) || !onboarding.servicePrincipalObjectId) {
      throw new AppError("CONFLICT", "Grant admin consent before submitting a key.");
    }
    await tx.customerKey.updateMany({
      where: { onboardingId: onboarding.id, status: "ACTIVE" },
      data: { status: "SUPERSEDED" },
    });
    const created = await tx.customerKey.create({ data: submittedKeyRow(onboarding, session, key) });
    await transitionOnboarding(tx, {
      onboardingId: onboarding.id,
      to: "KEY_SUBMITTED",
      actor: { type: "CUSTOMER", id: session.upn },
      action: "key.submitted",
      details: { keyId: created.id, keyUri: key.uri, versionless: key.versionless },
      requestId: input.requestId,
    });
    return created;
  });
}

/** The key row for a URI the customer submitted, in the signed-in tenant, to be verified next. */
export function submittedKeyRow(
  onboarding: { id: string; customerId: string },
  session: CustomerSession,
  key: ParsedKeyUri,
) {
  return {
    customerId: onboarding.customerId,
    onboardingId: onboarding.id,
    tenantId: session.tid,
    keyUri: key.uri,
    vaultHost: key.vaultHost,
    vaultKind: key.vaultKind,
    keyName: key.keyName,
    keyVersion: key.keyVersion,
    submittedBy: session.upn,
    verificationStatus: "VERIFYING" as const,
  };
}

/**
 * A key URI the customer pasted, parsed strictly: nothing is called and nothing stored for one that fails; the
 * refusal is audited and its message says exactly what is wrong.
 */
export async function parseSubmittedKey(
  db: Db,
  input: { session: CustomerSession; keyUri: string; requestId?: string },
) {
  const { session } = input;
  const parsed = parseKeyUri(input.keyUri, getCloud());
  if (parsed.ok) return parsed.key;
  await recordAuditEvent(db, {
    actor: { type: "CUSTOMER", id: session.upn },
    action: "key.rejected",
    targetType: "onboarding",
    targetId: session.onboardingId,
    onboardingId: session.onboardingId,
    outcome: "denied",
    details: { problem: parsed.problem.code, input: input.keyUri.slice(0, 300) },
    requestId: input.requestId,
  });
  throw new AppError("BAD_REQUEST", parsed.problem.message, { details: { code: parsed.problem.code } });
}

/** The key this customer's onboarding uses now, within the signed-in tenant only. */
export async function findActiveCustomerKey(db: Db, session: CustomerSession) {
  return db.customerKey.findFirst({
    where: { onboardingId: session.onboardingId, tenantId: session.tid, status: "ACTIVE" },
  });
}
