import "server-only";
import { readResource } from "@/lib/azure/arm";
import type { CmkKeyRef, CmkModule, ObservedCmk } from "@/lib/cmk/types";

/**
 * Reads back from ARM what tells a resource's true encryption (for SQL, its encryption protector) and lets the
 * resource module derive the state: applied with which version, pending, drifted, failed, Microsoft-managed.
 */
export async function readBack(module: CmkModule, armId: string, expected?: CmkKeyRef): Promise<ObservedCmk> {
  const target = module.observeId?.(armId) ?? { id: armId, apiVersion: module.apiVersion };
  return module.observe(await readResource(target.id, target.apiVersion), expected);
}
