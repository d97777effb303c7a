import "server-only";
import { readResource } from "@/lib/azure/arm";
import type { CmkKeyRef, CmkModule, ObservedCmk } from "@/lib/cmk/types";

/**
 * Reads back from ARM what tells a resource's true encryption (for SQL, its encryption protector) and lets the
 * resource module derive the state: applied with which version, pending, drifted, failed, Microsoft-managed.
 */
export async function readBack(
  module: CmkModule,
  armId: string,
  expected?: CmkKeyRef,
  /** The resource as a GET returned it a moment ago (a long-running write's final read): used when it is the target. */
  fresh?: { id: string; body: unknown },
): Promise<ObservedCmk> {
  const target = module.observeId?.(armId) ?? { id: armId, apiVersion: module.apiVersion };
  if (fresh && fresh.id.toLowerCase() === target.id.toLowerCase())
    return module.observe(fresh.body, expected);
  return module.observe(await readResource(target.id, target.apiVersion), expected);
}
