import { authorize } from "../auth.js";
import { resourceGroupNotFound, ArmError } from "../errors.js";
import { asRecord } from "../tracked.js";
import type { ArmContext, ArmResponse } from "../types.js";

const body = (g: { id: string; name: string; location: string; tags?: Record<string, string> }) => ({
  id: g.id,
  name: g.name,
  type: "Microsoft.Resources/resourceGroups",
  location: g.location,
  ...(g.tags ? { tags: g.tags } : {}),
  properties: { provisioningState: "Succeeded" },
});

export function resourceGroup(ctx: ArmContext, name: string): ArmResponse {
  const sub = ctx.subscription.subscriptionId;
  const scope = `/subscriptions/${sub}/resourceGroups/${name}`;
  const existing = ctx.store.getResourceGroup(sub, name);
  if (ctx.method === "GET" || ctx.method === "HEAD") {
    authorize(ctx.store, ctx.caller, scope, "Microsoft.Resources/subscriptions/resourceGroups/read");
    if (!existing) throw resourceGroupNotFound(name);
    return ctx.method === "HEAD" ? { status: 204 } : { status: 200, body: body(existing) };
  }
  if (ctx.method === "PUT" || ctx.method === "PATCH") {
    authorize(ctx.store, ctx.caller, scope, "Microsoft.Resources/subscriptions/resourceGroups/write");
    const b = asRecord(ctx.body) ?? {};
    if (ctx.method === "PATCH" && !existing) throw resourceGroupNotFound(name);
    const location = String(b.location ?? existing?.location ?? "");
    if (!location)
      throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
    if (existing && b.location && String(b.location).toLowerCase() !== existing.location.toLowerCase()) {
      throw new ArmError(
        409,
        "InvalidResourceGroupLocation",
        `Invalid resource group location '${String(b.location)}'. The Resource group already exists in location '${existing.location}'.`,
      );
    }
    const g = ctx.store.putResourceGroup(
      sub,
      name,
      location,
      (b.tags as Record<string, string>) ?? existing?.tags,
    );
    return { status: existing ? 200 : 201, body: body(g) };
  }
  throw new ArmError(
    405,
    "MethodNotAllowed",
    `The method '${ctx.method}' is not supported for resource groups by the emulator.`,
  );
}

export function listResourceGroups(ctx: ArmContext): ArmResponse {
  const sub = ctx.subscription.subscriptionId;
  const value = [...ctx.store.resourceGroups.values()]
    .filter((g) => g.subscriptionId.toLowerCase() === sub.toLowerCase())
    .filter((g) =>
      ctx.store.hasAction({
        principalId: ctx.caller.oid,
        tenantId: ctx.caller.tid,
        scope: g.id,
        action: "Microsoft.Resources/subscriptions/resourceGroups/read",
      }),
    )
    .map(body);
  return { status: 200, body: { value } };
}
