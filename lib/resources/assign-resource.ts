import "server-only";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { getVerifiedKey } from "@/lib/keys/verified-key";

/** Assigns a resource to a customer whose key is verified (or unassigns it while it still uses Microsoft's keys). */
export async function assignResource(
  db: Db,
  input: { resourceId: string; customerId: string | null; actor: Actor; requestId?: string },
) {
  return db.$transaction(async (tx) => {
    const resource = await tx.isvResource.findUnique({ where: { id: input.resourceId } });
    if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
    const encrypted = resource.cmkState !== "MICROSOFT_MANAGED" && resource.cmkState !== "FAILED";
    if (encrypted && resource.customerId && input.customerId && input.customerId !== resource.customerId) {
      // Never re-target an encrypted resource as a side effect: that is a "change key" operation, reviewed
      // and approved by a second person.
      throw new AppError(
        "CONFLICT",
        `${resource.name} is encrypted with its customer's key. To move it to another customer, use Change key on the resource's page (it needs an Admin's approval).`,
      );
    }
    if (input.customerId) {
      await getVerifiedKey(
        tx,
        input.customerId,
        "Only customers with a verified key can be assigned resources.",
      );
    } else if (resource.cmkState !== "MICROSOFT_MANAGED" && resource.cmkState !== "FAILED") {
      throw new AppError(
        "CONFLICT",
        "This resource uses a customer's key; revert it to Microsoft-managed keys before unassigning it.",
      );
    }
    const updated = await tx.isvResource.update({
      where: { id: resource.id },
      data: { customerId: input.customerId },
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: input.customerId ? "resource.assigned" : "resource.unassigned",
      targetType: "resource",
      targetId: resource.armId,
      customerId: input.customerId ?? resource.customerId ?? undefined,
      details: { previousCustomerId: resource.customerId, customerId: input.customerId },
      requestId: input.requestId,
    });
    return updated;
  });
}
