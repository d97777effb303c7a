import { randomUUID } from "node:crypto";
import { authorize, authorizeLinked } from "./auth.js";
import { findUami } from "./directory.js";
import { ArmError, notFound, resourceGroupNotFound } from "./errors.js";
import type { ResourceId } from "./resource-id.js";
import type { ArmResource } from "./store.js";
import type { ArmContext, ArmResponse } from "./types.js";

/** Helpers shared by tracked-resource handlers: body checks, RG existence, RBAC, identity blocks. */
export const serialize = (r: ArmResource): Record<string, unknown> => ({
  id: r.id,
  name: r.name,
  type: r.type,
  location: r.location,
  ...(r.tags ? { tags: r.tags } : {}),
  ...(r.identity ? { identity: r.identity } : {}),
  properties: r.properties,
});

export function bodyObject(ctx: ArmContext): Record<string, unknown> {
  if (!ctx.body || typeof ctx.body !== "object" || Array.isArray(ctx.body)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized: 'The request body must be a JSON object.'.",
    );
  }
  return ctx.body as Record<string, unknown>;
}

export const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export function requireResourceGroup(ctx: ArmContext, id: ResourceId): void {
  if (!ctx.store.getResourceGroup(id.subscriptionId, id.resourceGroup))
    throw resourceGroupNotFound(id.resourceGroup);
}

export function requireExisting(existing: ArmResource | undefined, id: ResourceId): ArmResource {
  if (!existing) throw notFound(id.type, id.name, id.resourceGroup);
  return existing;
}

/** Write checks in ARM's order: resource group exists, caller has `{type}/write` at the resource scope. */
export function authorizeWrite(ctx: ArmContext, id: ResourceId, resourceId: string): void {
  requireResourceGroup(ctx, id);
  authorize(ctx.store, ctx.caller, resourceId, `${id.type}/write`);
}

/**
 * Resolves an `identity` block (PUT replaces, PATCH merges; `null` removes a UAMI), checks each newly linked
 * UAMI exists and the caller holds assign/action on it (LinkedAuthorizationFailed), and fills principalId/clientId.
 */
export function resolveIdentity(
  ctx: ArmContext,
  resourceId: string,
  type: string,
  requested: unknown,
  existing: Record<string, unknown> | undefined,
  merge: boolean,
): Record<string, unknown> | undefined {
  const req = asRecord(requested);
  if (!req) return existing;
  const kind = String(req.type ?? existing?.type ?? "None").replace(/\s+/g, "");
  const lower = kind.toLowerCase();
  if (!["none", "systemassigned", "userassigned", "systemassigned,userassigned"].includes(lower)) {
    throw new ArmError(400, "InvalidIdentityType", `The identity type '${kind}' is not supported.`, {
      target: "identity.type",
    });
  }
  if (lower === "none") return { type: "None" };
  const before = asRecord(existing?.userAssignedIdentities) ?? {};
  const wanted: Record<string, unknown> = merge
    ? { ...before, ...(asRecord(req.userAssignedIdentities) ?? {}) }
    : { ...(asRecord(req.userAssignedIdentities) ?? {}) };
  const out: Record<string, unknown> = {
    // The combined type is spelled per RP: DiskRP's enum has "SystemAssigned, UserAssigned" (with a space).
    type:
      lower === "systemassigned,userassigned"
        ? type.toLowerCase() === "microsoft.compute/diskencryptionsets"
          ? "SystemAssigned, UserAssigned"
          : "SystemAssigned,UserAssigned"
        : kind,
  };
  if (lower.includes("systemassigned")) {
    out.principalId = existing?.principalId ?? randomUUID();
    out.tenantId = ctx.subscription.tenantId;
  }
  if (lower.includes("userassigned")) {
    const uamis: Record<string, unknown> = {};
    for (const [uamiId, v] of Object.entries(wanted)) {
      if (v === null) continue;
      const known = Object.keys(before).some((k) => k.toLowerCase() === uamiId.toLowerCase());
      const uami = findUami(ctx.emu, uamiId);
      if (!uami) {
        throw new ArmError(
          400,
          "FailedIdentityOperation",
          `Identity operation for resource '${resourceId}' failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: '{"error":{"code":"NotFound","message":"Resource '${uamiId}' not found."}}'.'.`,
        );
      }
      if (!known) authorizeLinked(ctx.store, ctx.caller, resourceId, `${type}/write`, uamiId);
      uamis[uamiId] = { principalId: uami.principalId, clientId: uami.clientId };
    }
    if (Object.keys(uamis).length === 0) {
      throw new ArmError(
        400,
        "InvalidIdentity",
        "The identity type UserAssigned requires at least one user assigned identity.",
        { target: "identity.userAssignedIdentities" },
      );
    }
    out.userAssignedIdentities = uamis;
  }
  return out;
}

/** DELETE of a tracked resource: 204 when it is not there, else the caller's `…/delete` permission, then 200. */
export function deleteTracked(
  ctx: ArmContext,
  id: ResourceId,
  existing: ArmResource | undefined,
): ArmResponse {
  if (!existing) return { status: 204 };
  authorize(ctx.store, ctx.caller, existing.id, `${id.type}/delete`);
  ctx.store.deleteResource(existing.id);
  return { status: 200 };
}

/** Case-insensitive lookup of a UAMI id in a resource's identity block. */
export function hasUami(identity: Record<string, unknown> | undefined, uamiId: string): boolean {
  return Object.keys(asRecord(identity?.userAssignedIdentities) ?? {}).some(
    (k) => k.toLowerCase() === uamiId.toLowerCase(),
  );
}

export function mergeDeep(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = asRecord(out[k]);
    const p = asRecord(v);
    out[k] = b && p ? mergeDeep(b, p) : v;
  }
  return out;
}
