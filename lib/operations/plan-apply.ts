import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { CustomerKey, IsvResource } from "@/lib/generated/prisma/client";
import { readResource } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import type { ArmWrite, CmkProblem } from "@/lib/cmk/types";
import { AppError } from "@/lib/errors";
import { buildModuleInput } from "./module-input";
import { getVerifiedKey } from "@/lib/keys/verified-key";

/** What a resource module says about one resource and one key: its refusals, or the exact ARM writes. */
export interface CheckedPlan {
  problems: CmkProblem[];
  steps: ArmWrite[];
}

export interface ApplyPlan extends CheckedPlan {
  resourceId: string;
  armId: string;
  kind: string;
  keyId: string;
  keyUri: string;
}

/**
 * Reads the resource as ARM shows it now, then the module's check and, when nothing is refused, its plan.
 * The review screen (planApply) and the job (runApplyJob) both plan through here, so they cannot differ.
 */
export async function checkAndPlan(
  resource: Pick<IsvResource, "armId" | "region" | "kind">,
  key: CustomerKey,
): Promise<CheckedPlan> {
  const cmk = getCmkModule(resource.kind);
  const input = buildModuleInput(resource, key, await readResource(resource.armId, cmk.apiVersion));
  const problems = cmk.check(input);
  return { problems, steps: problems.length ? [] : cmk.plan(input) };
}

/** The resource and the key an apply would use: the resource's customer's active, verified key. */
export async function getApplyTarget(db: Tx, resourceId: string) {
  const resource = await db.isvResource.findUnique({ where: { id: resourceId } });
  if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
  if (!resource.customerId)
    throw new AppError("CONFLICT", `Assign ${resource.name} to a customer before applying a key.`);
  return { resource, key: await getVerifiedKey(db, resource.customerId) };
}

/**
 * What applying the customer's key to this resource would do, shown to the operator before anything runs.
 * The job plans the same way when it starts, stores the plan, and executes exactly the stored steps.
 */
export async function planApply(db: Tx, resourceId: string): Promise<ApplyPlan> {
  const { resource, key } = await getApplyTarget(db, resourceId);
  return {
    resourceId,
    armId: resource.armId,
    kind: resource.kind,
    keyId: key.id,
    keyUri: key.keyUri,
    ...(await checkAndPlan(resource, key)),
  };
}
