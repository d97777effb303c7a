import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { buildEvidencePack, type EvidencePack } from "./build-evidence-pack";
import { signDetached } from "./sign-evidence";
import { getEvidenceKey } from "./signing-key";

/**
 * Builds, signs and keeps one evidence pack, so that the JSON an auditor receives, its signature and the
 * PDF made from it are the same record, whoever downloads it and whenever. Audited in the customer's stream.
 */
export async function createEvidencePack(
  db: Db,
  input: { customerId: string; actor: Actor; requestId?: string },
): Promise<{ id: string }> {
  const pack = await buildEvidencePack(db, input.customerId);
  const json = `${JSON.stringify(pack, null, 2)}\n`;
  const signature = await signDetached(Buffer.from(json, "utf8"));
  const { publicJwk } = await getEvidenceKey();
  return db.$transaction(async (tx) => {
    const row = await tx.evidencePack.create({
      data: {
        customerId: input.customerId,
        json,
        signature,
        keyId: publicJwk.kid,
        createdBy: input.actor.id ?? "unknown",
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "evidence.generated",
      targetType: "evidence_pack",
      targetId: row.id,
      customerId: input.customerId,
      details: { headSeq: pack.auditChain.headSeq, headHash: pack.auditChain.headHash, kid: publicJwk.kid },
      requestId: input.requestId,
    });
    return row;
  });
}

/** The customer a customer session belongs to: its onboarding, in its own tenant. */
export async function getSessionCustomerId(db: Db, session: CustomerSession): Promise<string> {
  const onboarding = await db.tenantOnboarding.findFirst({
    where: { id: session.onboardingId, tenantId: session.tid },
    select: { customerId: true },
  });
  if (!onboarding) throw new AppError("FORBIDDEN", "Sign in again to see your evidence.");
  return onboarding.customerId;
}

/** One stored pack; with `customerId`, only that customer's (the customer's own page). */
export async function getEvidencePack(db: Db, input: { packId: string; customerId?: string }) {
  const row = await db.evidencePack.findFirst({
    where: { id: input.packId, ...(input.customerId && { customerId: input.customerId }) },
  });
  if (!row) throw new AppError("NOT_FOUND", "This evidence pack does not exist.");
  return { ...row, pack: JSON.parse(row.json) as EvidencePack };
}

/** The latest packs of a customer, newest first (a short, bounded list). */
export function findEvidencePacks(db: Db, customerId: string, take = 5) {
  return db.evidencePack.findMany({
    where: { customerId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, createdAt: true, createdBy: true, keyId: true },
  });
}
