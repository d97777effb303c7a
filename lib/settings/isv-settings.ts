import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import type { KeyHandoverPolicy } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import type { OperatorRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

/** The ISV's settings; the defaults hold until an Admin first changes one. */
export async function getIsvSettings(db: Db | Tx): Promise<{ keyHandoverPolicy: KeyHandoverPolicy }> {
  const row = await db.isvSettings.findUnique({ where: { id: 1 } });
  return { keyHandoverPolicy: row?.keyHandoverPolicy ?? "APPROVAL" };
}

/** An Admin chooses what a customer's verified replacement key does: wait for approval, or apply at once. */
export async function setKeyHandoverPolicy(
  db: Db,
  input: { policy: KeyHandoverPolicy; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  if (!input.roles.includes("Admin"))
    throw new AppError("FORBIDDEN", "Only an Admin can change how replacement keys are applied.");
  await db.$transaction(async (tx) => {
    const before = await getIsvSettings(tx);
    if (before.keyHandoverPolicy === input.policy) return;
    const updatedBy = input.actor.id ?? "unknown";
    await tx.isvSettings.upsert({
      where: { id: 1 },
      create: { id: 1, keyHandoverPolicy: input.policy, updatedBy },
      update: { keyHandoverPolicy: input.policy, updatedBy },
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "settings.key_handover_policy",
      targetType: "settings",
      targetId: "isv",
      details: { from: before.keyHandoverPolicy, to: input.policy },
      requestId: input.requestId,
    });
  });
}
