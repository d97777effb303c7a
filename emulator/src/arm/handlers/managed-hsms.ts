import { ArmError } from "../errors.js";
import { accepted } from "../lro-http.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import { asRecord, authorizeWrite, bodyObject, requireExisting, serialize } from "../tracked.js";
import type { ArmContext, ArmResponse, ResourceProvider } from "../types.js";

/**
 * Microsoft.KeyVault/managedHSMs (resource-manager `managedHsm.json`, stable 2023-07-01): ManagedHsms_Get and
 * ManagedHsms_CreateOrUpdate. A new HSM answers 202 + Location with the ManagedHsm (`provisioningState:
 * Provisioning`); once the operation ends it is `Succeeded` but `securityDomainProperties.activationStatus:
 * NotActivated` — it serves no key until its security domain is downloaded (Microsoft Learn, "Quickstart: Provision
 * and activate a Managed HSM using Azure CLI"), which the emulator does not emulate: an HSM declared active in the
 * world is the only usable one. Its data plane and local RBAC: keyvault/hsm-rbac.ts.
 */
const TYPE = "Microsoft.KeyVault/managedHSMs";
/** ManagedHsmSku (family and name required when present); a world HSM without one is Standard_B1. */
const DEFAULT_SKU = { family: "B", name: "Standard_B1" };
const SKU_FAMILIES = ["B", "C"];
const SKU_NAMES = ["Standard_B1", "Custom_B32", "Custom_B6", "Custom_C42", "Custom_C10"];
/** Managed HSM names: 3–24 characters, letters, digits and hyphens, a letter first (as vault names). */
const NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NOT_ACTIVATED_MESSAGE =
  "Your HSM has been provisioned, but cannot be used for cryptographic operations until it is activated. To activate the HSM, download the security domain.";

const view = (r: ArmResource) => ({ ...serialize(r), sku: r.internal.sku ?? DEFAULT_SKU });
/** Refusals of a bad body: 400 `BadRequest` (code and texts are guesses, COVERAGE.md). */
const bad = (message: string) => new ArmError(400, "BadRequest", message);

function create(ctx: ArmContext, id: ResourceId, resourceId: string): ArmResponse {
  if (!NAME.test(id.name) || id.name.includes("--"))
    throw bad(
      `The name '${id.name}' is invalid. A managed HSM's name must be between 3-24 alphanumeric characters, begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    );
  const host = `${id.name.toLowerCase()}.managedhsm.azure.net`;
  if (ctx.store.findVaultByHost(host))
    throw new ArmError(409, "Conflict", `The managed HSM name '${id.name}' is already in use.`);
  const body = bodyObject(ctx);
  const location = typeof body.location === "string" ? body.location : "";
  if (!location)
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const sku = asRecord(body.sku);
  if (!sku || !SKU_FAMILIES.includes(String(sku.family)) || !SKU_NAMES.includes(String(sku.name)))
    throw bad(
      `The parameter sku is invalid: sku.family must be one of ${SKU_FAMILIES.join(", ")} and sku.name one of ${SKU_NAMES.join(", ")}.`,
    );
  const p = asRecord(body.properties) ?? {};
  if (typeof p.tenantId !== "string" || !GUID.test(p.tenantId))
    throw bad("The parameter properties.tenantId must be specified as a GUID.");
  const admins = Array.isArray(p.initialAdminObjectIds) ? p.initialAdminObjectIds.map(String) : [];
  if (admins.length === 0 || !admins.every((a) => GUID.test(a)))
    throw bad(
      "The parameter properties.initialAdminObjectIds must name at least one administrator object ID.",
    );
  const days = Number(p.softDeleteRetentionInDays ?? 90);
  if (!Number.isInteger(days) || days < 7 || days > 90)
    throw bad('The property "softDeleteRetentionInDays" must be between 7 and 90.');
  const publicNetworkAccess = String(p.publicNetworkAccess ?? "Enabled");
  if (!["Enabled", "Disabled"].includes(publicNetworkAccess))
    throw bad(`The value '${publicNetworkAccess}' of properties.publicNetworkAccess is not valid.`);
  const hsm = ctx.store.putResource({
    id: resourceId,
    name: id.name,
    type: TYPE,
    location,
    tags: asRecord(body.tags) as Record<string, string> | undefined,
    internal: { sku: { family: String(sku.family), name: String(sku.name) } },
    properties: {
      tenantId: p.tenantId,
      initialAdminObjectIds: admins,
      hsmUri: `https://${host}/`,
      enableSoftDelete: true,
      softDeleteRetentionInDays: days,
      enablePurgeProtection: p.enablePurgeProtection === true,
      publicNetworkAccess,
      provisioningState: "Provisioning",
      statusMessage: "The managed HSM is being provisioned.",
      securityDomainProperties: {
        activationStatus: "NotActivated",
        activationStatusMessage: NOT_ACTIVATED_MESSAGE,
      },
    },
  });
  return accepted(ctx, {
    namespace: "Microsoft.KeyVault",
    resourceId,
    location,
    resultSegment: "managedHsmOperationResults",
    body: view(hsm),
    complete: (o) => {
      if (o !== "Succeeded") {
        ctx.store.deleteResource(resourceId);
        return;
      }
      hsm.properties.provisioningState = "Succeeded";
      hsm.properties.statusMessage = "The managed HSM is provisioned and ready to be activated.";
    },
    result: () => view(hsm),
  });
}

export const managedHsms: ResourceProvider = {
  type: TYPE,
  get: (_ctx, id, existing) => ({ status: 200, body: view(requireExisting(existing, id)) }),
  put(ctx, id, existing) {
    const resourceId =
      existing?.id ??
      `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/${TYPE}/${id.name}`;
    authorizeWrite(ctx, id, resourceId);
    if (!existing) return create(ctx, id, resourceId);
    // On an existing HSM only the tags change here (updating its properties is not emulated).
    const body = bodyObject(ctx);
    if (asRecord(body.tags)) existing.tags = body.tags as Record<string, string>;
    return { status: 200, body: view(existing) };
  },
};
