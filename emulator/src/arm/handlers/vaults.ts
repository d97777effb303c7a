import { ArmError } from "../errors.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import {
  asRecord,
  deleteTracked,
  authorizeWrite,
  bodyObject,
  mergeDeep,
  requireExisting,
  serialize,
} from "../tracked.js";
import type { ArmContext, ArmResponse, ResourceProvider } from "../types.js";

const NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/** Microsoft.KeyVault/vaults (mgmt plane): soft delete always on, purge protection irreversible, global names. */
function write(
  ctx: ArmContext,
  id: ResourceId,
  existing: ArmResource | undefined,
  merge: boolean,
): ArmResponse {
  const resourceId =
    existing?.id ??
    `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.KeyVault/vaults/${id.name}`;
  authorizeWrite(ctx, id, resourceId);
  if (!NAME.test(id.name) || id.name.includes("--")) {
    throw new ArmError(
      400,
      "VaultNameNotValid",
      `The name '${id.name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    );
  }
  const taken = [...ctx.store.resources.values()].find(
    (r) =>
      r.type.toLowerCase() === "microsoft.keyvault/vaults" &&
      r.name.toLowerCase() === id.name.toLowerCase() &&
      r.id.toLowerCase() !== resourceId.toLowerCase(),
  );
  if (taken) {
    throw new ArmError(
      409,
      "VaultAlreadyExists",
      `The vault name '${id.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name.`,
    );
  }
  const body = bodyObject(ctx);
  const requested = asRecord(body.properties) ?? {};
  const before = existing?.properties ?? {};
  const p = merge ? mergeDeep(before, requested) : { ...requested };
  // Arrays replace, never merge (accessPolicies, ipRules).
  if (requested.accessPolicies) p.accessPolicies = requested.accessPolicies;
  if (typeof p.tenantId !== "string")
    throw new ArmError(400, "BadRequest", "The parameter properties.tenantId must be specified.");
  const sku = asRecord(p.sku);
  if (!sku) throw new ArmError(400, "BadRequest", "The parameter properties.sku must be specified.");
  // keyvault.json Sku: family enum ["A"], name enum ["standard", "premium"], read case-insensitively as .NET enums
  // are (error code and text: a guess).
  if (
    String(sku.family).toUpperCase() !== "A" ||
    !["standard", "premium"].includes(String(sku.name).toLowerCase())
  )
    throw new ArmError(
      400,
      "BadRequest",
      `The sku '${String(sku.family)}/${String(sku.name)}' is not valid: sku.family must be 'A' and sku.name 'standard' or 'premium'.`,
    );
  if (p.enableSoftDelete === false) {
    throw new ArmError(
      400,
      "BadRequest",
      'The property "enableSoftDelete" has been set to false. Soft delete can no longer be disabled: all vaults have soft delete enabled (https://aka.ms/softdeletechange).',
    );
  }
  if (before.enablePurgeProtection === true && p.enablePurgeProtection === false) {
    throw new ArmError(
      400,
      "BadRequest",
      'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.',
    );
  }
  const days = Number(p.softDeleteRetentionInDays ?? before.softDeleteRetentionInDays ?? 90);
  if (!(days >= 7 && days <= 90))
    throw new ArmError(
      400,
      "BadRequest",
      'The property "softDeleteRetentionInDays" must be between 7 and 90.',
    );
  if (
    existing &&
    before.softDeleteRetentionInDays !== undefined &&
    days !== before.softDeleteRetentionInDays
  ) {
    throw new ArmError(
      400,
      "BadRequest",
      'The property "softDeleteRetentionInDays" cannot be changed after the vault has been created.',
    );
  }
  const location = String(existing?.location ?? body.location ?? "");
  if (!location)
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const vault: ArmResource = {
    id: resourceId,
    name: existing?.name ?? id.name,
    type: "Microsoft.KeyVault/vaults",
    location,
    tags: (body.tags as Record<string, string>) ?? existing?.tags ?? {},
    internal: existing?.internal ?? {},
    properties: {
      accessPolicies: [],
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableRbacAuthorization: false,
      publicNetworkAccess: "Enabled",
      ...p,
      enableSoftDelete: true,
      softDeleteRetentionInDays: days,
      vaultUri: `https://${id.name.toLowerCase()}.vault.azure.net/`,
      provisioningState: "Succeeded",
    },
  };
  if (vault.properties.enablePurgeProtection !== true) delete vault.properties.enablePurgeProtection;
  ctx.store.putResource(vault);
  return { status: existing ? 200 : 201, body: serialize(vault) };
}

export const vaults: ResourceProvider = {
  type: "Microsoft.KeyVault/vaults",
  get: (_ctx, id, existing) => ({ status: 200, body: serialize(requireExisting(existing, id)) }),
  put: (ctx, id, existing) => write(ctx, id, existing, false),
  patch: (ctx, id, existing) => write(ctx, id, requireExisting(existing, id), true),
  delete: deleteTracked,
};
