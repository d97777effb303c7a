import "server-only";
import type { Tx } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";

/**
 * A replacement key the customer handed over (PROPOSED) becomes the customer's key when the ISV accepts it: an
 * Admin approves its "change key" run, or the ISV's policy starts that run on verification. The key it replaces
 * is SUPERSEDED then; resources keep using it until their own change-key job reads the new key back.
 */
export async function acceptReplacementKey(
  tx: Tx,
  input: { keyId: string; actor: Actor; runId: string; requestId?: string },
) {
  const key = await tx.customerKey.findUnique({ where: { id: input.keyId } });
  if (!key || key.status !== "PROPOSED" || key.verificationStatus !== "VERIFIED")
    throw new AppError(
      "CONFLICT",
      "The customer's replacement key is no longer on offer (they handed over another one, or it failed verification).",
    );
  await tx.customerKey.updateMany({
    where: { onboardingId: key.onboardingId, status: "ACTIVE" },
    data: { status: "SUPERSEDED" },
  });
  await tx.customerKey.update({ where: { id: key.id }, data: { status: "ACTIVE" } });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: "key.replacement_accepted",
    targetType: "customer_key",
    targetId: key.id,
    customerId: key.customerId,
    onboardingId: key.onboardingId,
    details: { runId: input.runId, keyUri: key.keyUri, replaces: key.replacesKeyId },
    requestId: input.requestId,
  });
  return key;
}

/** A replacement that will not be applied (declined by an Admin, or withdrawn by a newer one): nothing else changes. */
export async function retireReplacementKey(
  tx: Tx,
  input: { keyId: string; actor: Actor; why: "declined" | "withdrawn"; runId?: string; requestId?: string },
) {
  const key = await tx.customerKey.findUnique({ where: { id: input.keyId } });
  if (!key || key.status !== "PROPOSED") return;
  await tx.customerKey.update({ where: { id: key.id }, data: { status: "SUPERSEDED" } });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: `key.replacement_${input.why}`,
    targetType: "customer_key",
    targetId: key.id,
    customerId: key.customerId,
    onboardingId: key.onboardingId,
    details: { keyUri: key.keyUri, runId: input.runId ?? null },
    requestId: input.requestId,
  });
}
