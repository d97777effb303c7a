import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { Actor } from "@/lib/audit/record-audit-event";
import { getCmkModule } from "@/lib/cmk";
import { AppError } from "@/lib/errors";
import { observedColumn } from "@/lib/resources/resource-columns";
import { setResourceState } from "@/lib/resources/resource-state";
import { toKeyRef } from "./module-input";
import { readBack } from "./read-back";

/** Reads the resource back from ARM and records what it really uses now (applied, drifted, revoked, Microsoft-managed). */
export async function recheckResource(
  db: Db,
  input: { resourceId: string; actor: Actor; requestId?: string },
) {
  const resource = await db.isvResource.findUnique({
    where: { id: input.resourceId },
    include: { appliedKey: true },
  });
  if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
  const cmk = getCmkModule(resource.kind);
  const expected =
    resource.appliedKey?.verificationStatus === "VERIFIED" ? toKeyRef(resource.appliedKey) : undefined;
  const observed = await readBack(cmk, resource.armId, expected);
  return db.$transaction((tx) =>
    setResourceState(tx, {
      resourceId: resource.id,
      to: observed.state,
      actor: input.actor,
      action: "cmk.rechecked",
      outcome: observed.state === "FAILED" || observed.state === "DRIFTED" ? "failure" : "success",
      data: {
        observed: observedColumn.write(observed),
        lastReadAt: new Date(),
        ...(observed.state === "APPLIED" && { appliedKeyVersion: observed.keyVersion }),
      },
      details: { state: observed.state, detail: observed.detail, keyVersion: observed.keyVersion },
      requestId: input.requestId,
    }),
  );
}
