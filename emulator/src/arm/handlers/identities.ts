import { findUami, listUamis, type UamiView } from "../directory.js";
import { notFound } from "../errors.js";
import type { ResourceProvider } from "../types.js";

const TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

/** UAMIs live in the identity side's directory; ARM exposes them read-only here. */
export const uamiBody = (u: UamiView) => ({
  id: u.id,
  name: u.name,
  type: TYPE,
  location: u.location,
  tags: {},
  properties: { tenantId: u.tenantId, principalId: u.principalId, clientId: u.clientId },
});

export const userAssignedIdentities: ResourceProvider = {
  type: TYPE,
  get(ctx, id) {
    const u = findUami(
      ctx.emu,
      `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/${TYPE}/${id.name}`,
    );
    if (!u) throw notFound(TYPE, id.name, id.resourceGroup);
    return { status: 200, body: uamiBody(u) };
  },
};

export const uamisUnder = (ctx: Parameters<NonNullable<ResourceProvider["get"]>>[0], prefix: string) =>
  listUamis(ctx.emu)
    .filter((u) => u.id.toLowerCase().startsWith(`${prefix.toLowerCase()}/`))
    .map(uamiBody);
