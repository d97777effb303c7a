import "server-only";
import { readResource } from "@/lib/azure/arm";
import type { CmkKeyRef, CmkModule, ObservedCmk } from "./types";

/** Reads back from ARM what tells a resource's true encryption (for SQL, its encryption protector). */
export async function readObserved(
  module: CmkModule,
  armId: string,
  expected?: CmkKeyRef,
): Promise<ObservedCmk> {
  const target = module.observeId?.(armId) ?? { id: armId, apiVersion: module.apiVersion };
  return module.observe(await readResource(target.id, target.apiVersion), expected);
}
