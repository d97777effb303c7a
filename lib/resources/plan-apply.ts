import "server-only";
import type { Db } from "@/lib/db/create-db";
import { readResource } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import type { ArmWrite, CmkProblem } from "@/lib/cmk/types";
import { getCloud } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isvIdentity, toKeyRef } from "./key-ref";

export interface ApplyPlan {
  resourceId: string;
  armId: string;
  kind: string;
  keyId: string;
  keyUri: string;
  problems: CmkProblem[];
  steps: ArmWrite[];
}

/**
 * What applying the customer's key to this resource would do: the resource module's checks against the resource as
 * ARM shows it now, and the exact requests. Shown to the operator before anything runs; recomputed by the job.
 */
export async function planApply(db: Db, resourceId: string): Promise<ApplyPlan> {
  const resource = await db.isvResource.findUnique({ where: { id: resourceId } });
  if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
  if (!resource.customerId) throw new AppError("CONFLICT", "Assign the resource to a customer first.");
  const key = await db.customerKey.findFirst({
    where: { customerId: resource.customerId, status: "ACTIVE", verificationStatus: "VERIFIED" },
    orderBy: { createdAt: "desc" },
  });
  if (!key) throw new AppError("CONFLICT", "This customer has no verified key yet.");
  const cmk = getCmkModule(resource.kind);
  const current = await readResource(resource.armId, cmk.apiVersion);
  const input = {
    resource: { id: resource.armId, location: resource.region, body: current },
    key: toKeyRef(key),
    identity: isvIdentity(),
    cloudName: getCloud().name,
  };
  const problems = cmk.check(input);
  return {
    resourceId,
    armId: resource.armId,
    kind: resource.kind,
    keyId: key.id,
    keyUri: key.keyUri,
    problems,
    steps: problems.length ? [] : cmk.plan(input),
  };
}
