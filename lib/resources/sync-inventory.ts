import "server-only";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { getCmkModule } from "@/lib/cmk";
import { discoverIsvResources, getResourceById } from "./discover-resources";
import { getEnv } from "@/lib/env";
import { observedColumn } from "./resource-columns";
import { createResource } from "./resource-state";

type Discovered = Awaited<ReturnType<typeof discoverIsvResources>>[number];

/**
 * Reads the ISV's Storage, Cosmos DB, disk encryption set and SQL resources from ARM into the inventory.
 * New resources enter with the encryption state ARM shows; existing ones keep their assignment and history.
 */
export async function syncInventory(db: Db, input: { actor: Actor; requestId?: string }) {
  const found = await discoverIsvResources(getEnv().ISV_SUBSCRIPTION_IDS);
  let added = 0;
  for (const resource of found) added += (await upsertResource(db, resource)) ? 1 : 0;
  await recordAuditEvent(db, {
    actor: input.actor,
    action: "inventory.synced",
    targetType: "inventory",
    details: { found: found.length, added, subscriptions: getEnv().ISV_SUBSCRIPTION_IDS },
    requestId: input.requestId,
  });
  return { found: found.length, added };
}

/** Adds one resource by its ARM ID (e.g. in a subscription discovery does not cover). */
export async function addResourceById(db: Db, input: { armId: string; actor: Actor; requestId?: string }) {
  const resource = await getResourceById(input.armId);
  const created = await upsertResource(db, resource);
  await recordAuditEvent(db, {
    actor: input.actor,
    action: "inventory.resource_added",
    targetType: "resource",
    targetId: resource.armId,
    details: { created },
    requestId: input.requestId,
  });
  return resource;
}

async function upsertResource(db: Db, resource: Discovered): Promise<boolean> {
  const observed = getCmkModule(resource.kind).observe(resource.body);
  const existing = await db.isvResource.findUnique({ where: { armIdKey: resource.armId.toLowerCase() } });
  if (existing) {
    await db.isvResource.update({
      where: { id: existing.id },
      data: {
        region: resource.region,
        observed: observedColumn.write(observed),
        lastReadAt: new Date(),
      },
    });
    return false;
  }
  await createResource(db, {
    data: {
      armId: resource.armId,
      armIdKey: resource.armId.toLowerCase(),
      kind: resource.kind,
      name: resource.name,
      subscriptionId: resource.subscriptionId,
      resourceGroup: resource.resourceGroup,
      region: resource.region,
      lastReadAt: new Date(),
    },
    observed,
  });
  return true;
}
