import "server-only";
import type { CustomerKey, IsvResource } from "@/lib/generated/prisma/client";
import type { JobKind } from "@/lib/generated/prisma/enums";
import { readResource } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import { SQL_API } from "@/lib/cmk/sql-server";
import type { CmkProblem } from "@/lib/cmk/types";
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
    // The same refusal as the preview's: Azure reverts a database only to a service-managed server protector.
    const serverRefusal =
      resource.kind === "SQL_DATABASE" ? await serverProtectorRefusal(resource.armId) : null;
    if (serverRefusal) return { problems: [serverRefusal], steps: [] };
    const cmk = getCmkModule(resource.kind);
    const body = await readResource(resource.armId, cmk.apiVersion);
    return { problems: [], steps: cmk.planRevert({ resource: { id: resource.armId, body } }) };
  }
  if (!key) return { problems: [{ code: "NoKey", message: "The job names no key to use." }], steps: [] };
  return checkAndPlan(resource, kind === "ROTATE_KEY" ? keyForPlan(key) : key);
}

/**
 * A database goes back to its server's protector (Azure's encryption-protector revert), which Azure allows only
 * while that protector is service-managed (DatabaseEncryptionProtectorRevert in the Microsoft.Sql REST specs;
 * docs/azure-contracts.md §5.6): the server's protector is read first, so the preview refuses what Azure would.
 */
export async function serverProtectorRefusal(databaseArmId: string): Promise<CmkProblem | null> {
  const server = databaseArmId.replace(/\/databases\/[^/]+$/i, "");
  const protector = (await readResource(`${server}/encryptionProtector/current`, SQL_API)) as {
    properties?: { serverKeyType?: string | null; serverKeyName?: string | null };
  } | null;
  const type = protector?.properties?.serverKeyType ?? "ServiceManaged";
  if (type.toLowerCase() === "servicemanaged") return null;
  const serverName = server.split("/").at(-1);
  return {
    code: "ServerUsesCustomerKey",
    message: `Azure reverts a database only to a service-managed server protector, and server ${serverName} is protected by a customer-managed key (${protector?.properties?.serverKeyName ?? type}): revert the server first, or change the database to another key.`,
  };
}
