import { parseResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import type { ArmContext, ArmResponse, ResourceProvider } from "../types.js";
import { uamisUnder } from "./identities.js";

const canRead = (ctx: ArmContext, id: string, type: string) =>
  ctx.store.hasAction({
    principalId: ctx.caller.oid,
    tenantId: ctx.caller.tid,
    scope: id,
    action: `${type}/read`,
  });

const generic = (r: ArmResource) => ({
  id: r.id,
  name: r.name,
  type: r.type,
  location: r.location,
  ...(r.tags ? { tags: r.tags } : {}),
  ...(r.identity ? { identity: r.identity } : {}),
  ...(r.internal.kind ? { kind: r.internal.kind } : {}),
  ...(r.internal.sku ? { sku: r.internal.sku } : {}),
});

/** GET /subscriptions/{s}[/resourceGroups/{rg}]/resources?$filter=resourceType eq '…' [and name eq '…'] (generic list). */
export function listGeneric(ctx: ArmContext, prefix: string): ArmResponse {
  const f = ctx.query.get("$filter") ?? "";
  const type = /resourceType\s+eq\s+'([^']+)'/i.exec(f)?.[1];
  const name = /name\s+eq\s+'([^']+)'/i.exec(f)?.[1];
  const tracked = ctx.store
    .listResources(prefix, type)
    .filter((r) => r.id.split("/providers/").length === 2)
    .map(generic);
  const uamis =
    !type || type.toLowerCase() === "microsoft.managedidentity/userassignedidentities"
      ? uamisUnder(ctx, prefix).map(({ properties: _p, ...g }) => g)
      : [];
  const value = [...tracked, ...uamis]
    .filter((r) => !name || r.name.toLowerCase() === name.toLowerCase())
    .filter((r) => canRead(ctx, r.id, r.type));
  return { status: 200, body: { value } };
}

/** GET …/providers/{ns}/{type}: full bodies, through the type's own GET (so read-time CMK state applies). */
export async function listByType(
  ctx: ArmContext,
  prefix: string,
  provider: ResourceProvider,
): Promise<ArmResponse> {
  if (provider.type === "Microsoft.ManagedIdentity/userAssignedIdentities")
    return { status: 200, body: { value: uamisUnder(ctx, prefix) } };
  const value: unknown[] = [];
  for (const r of ctx.store.listResources(prefix, provider.type)) {
    if (!canRead(ctx, r.id, r.type) || !provider.get) continue;
    value.push((await provider.get(ctx, parseResourceId(r.id), r)).body);
  }
  return { status: 200, body: { value } };
}
