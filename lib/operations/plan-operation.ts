import "server-only";
import type { CustomerKey, IsvResource } from "@/lib/generated/prisma/client";
import type { JobKind } from "@/lib/generated/prisma/enums";
import { readResource } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import { checkAndPlan, type CheckedPlan } from "./plan-apply";
import { SERVICE_IMPACT } from "./service-impact";

/** A rotation pins the version the vault calls current now (the health monitor's latest reading). */
export function keyForPlan(key: CustomerKey): CustomerKey {
  return key.latestVersion && !key.keyVersion ? { ...key, verifiedVersion: key.latestVersion } : key;
}

/**
 * The writes of a job that was queued without its steps (an apply, or one resource of a fleet run), planned
 * when it starts exactly as its preview plans them: the module's check and plan against ARM as it is now.
 */
export async function planJobSteps(
  resource: Pick<IsvResource, "armId" | "region" | "kind">,
  kind: JobKind,
  key: CustomerKey | null,
): Promise<CheckedPlan> {
  if (kind === "REVERT_CMK") {
    const refusal = SERVICE_IMPACT[resource.kind].revertRefusal;
    if (refusal) return { problems: [{ code: "RevertNotSupported", message: refusal }], steps: [] };
    const cmk = getCmkModule(resource.kind);
    const body = await readResource(resource.armId, cmk.apiVersion);
    return { problems: [], steps: cmk.planRevert({ resource: { id: resource.armId, body } }) };
  }
  if (!key) return { problems: [{ code: "NoKey", message: "The job names no key to use." }], steps: [] };
  return checkAndPlan(resource, kind === "ROTATE_KEY" ? keyForPlan(key) : key);
}
