import { ArmError } from "../errors.js";
import { accepted } from "../lro-http.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import {
  asRecord,
  deleteTracked,
  authorizeWrite,
  bodyObject,
  requireExisting,
  resolveIdentity,
  serialize,
} from "../tracked.js";
import type { ArmContext, ArmResponse, ResourceProvider } from "../types.js";
import { checkCustomerKey, type CmkResult } from "./check.js";
import { cmkError, type CmkErrorTable } from "./errors.js";

/** DiskRP errors (§4.3). KeyVaultAccessForbidden's text is the portal's; the other codes are guesses (COVERAGE.md). */
const ERRORS: CmkErrorTable = {
  Forbidden: [
    "KeyVaultAccessForbidden",
    (d) =>
      `Unable to access key vault resource to enable encryption at rest. Please grant get, wrap and unwrap key permissions to disk encryption set. ${d}`,
  ],
  TokenAcquisitionFailed: [
    "KeyVaultAccessForbidden",
    (d) => `Unable to obtain a token for the key vault through the federated client id. ${d}`,
  ],
  Firewall: ["KeyVaultAccessForbidden"],
  KeyNotFound: ["KeyVaultKeyNotFound"],
  VaultNotFound: ["KeyVaultNotFound"],
  RegionMismatch: [
    "InvalidParameter",
    (d) => `${d} The key vault and the disk encryption set must be in the same region.`,
  ],
  KeyTypeNotSupported: [
    "InvalidParameter",
    (d) => `${d} Only RSA and RSA-HSM keys of size 2048, 3072 or 4096 are supported.`,
  ],
  VersionRequired: [
    "InvalidParameter",
    () => "The key URL must include a version, whatever the value of rotationToLatestKeyVersionEnabled.",
  ],
  PurgeProtectionMissing: [
    "InvalidParameter",
    (d) => `${d} Soft delete and purge protection must be enabled on the key vault.`,
  ],
  default: ["InvalidParameter"],
};

const ENCRYPTION_TYPES = [
  "EncryptionAtRestWithCustomerKey",
  "EncryptionAtRestWithPlatformAndCustomerKeys",
  "ConfidentialVmEncryptedWithCustomerKey",
];

async function check(
  ctx: ArmContext,
  r: { location: string; identity?: Record<string, unknown>; properties: Record<string, unknown> },
  mode: "apply" | "use",
): Promise<CmkResult> {
  const uami = Object.keys(asRecord(r.identity?.userAssignedIdentities) ?? {})[0];
  return checkCustomerKey(ctx.emu, {
    resourceLocation: r.location,
    identity: r.identity,
    uamiResourceId: uami,
    mode,
    federatedClientId: r.properties.federatedClientId ? String(r.properties.federatedClientId) : undefined,
    keyUri: String(asRecord(r.properties.activeKey)?.keyUrl ?? ""),
    // diskEncryptionSet.json (KeyForDiskEncryptionSet.keyUrl): "the version is required regardless of
    // rotationToLatestKeyVersionEnabled value".
    version: "versioned",
    rsaSizes: [2048, 3072, 4096],
    sameRegion: true,
  });
}

async function write(
  ctx: ArmContext,
  id: ResourceId,
  existing: ArmResource | undefined,
  merge: boolean,
): Promise<ArmResponse> {
  const resourceId =
    existing?.id ??
    `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.Compute/diskEncryptionSets/${id.name}`;
  authorizeWrite(ctx, id, resourceId);
  const body = bodyObject(ctx);
  const props = asRecord(body.properties) ?? {};
  const location = String(existing?.location ?? body.location ?? "");
  if (!location)
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const identity = resolveIdentity(ctx, resourceId, id.type, body.identity, existing?.identity, merge);
  const next: Record<string, unknown> = {
    encryptionType: "EncryptionAtRestWithCustomerKey",
    ...(merge ? existing?.properties : {}),
    ...props,
  };
  // diskEncryptionSet.json (federatedClientId): "Set this to 'None' to clear the property."
  if (next.federatedClientId === "None") delete next.federatedClientId;
  if (!ENCRYPTION_TYPES.includes(String(next.encryptionType))) {
    throw new ArmError(
      400,
      "InvalidParameter",
      `The value '${String(next.encryptionType)}' of parameter 'encryptionType' is not valid.`,
      { target: "encryptionType" },
    );
  }
  const cmk = await check(ctx, { location, identity, properties: next }, "apply");
  if (!cmk.ok) throw cmkError(ERRORS, cmk, 400, "diskEncryptionSet.properties.activeKey.keyUrl");
  const oldKey = asRecord(existing?.properties.activeKey)?.keyUrl;
  const newKey = asRecord(next.activeKey)?.keyUrl;
  const des: ArmResource = {
    id: resourceId,
    name: id.name,
    type: "Microsoft.Compute/diskEncryptionSets",
    location,
    identity,
    tags: (body.tags as Record<string, string>) ?? existing?.tags,
    internal: { ...(existing?.internal ?? {}), cmk },
    properties: {
      ...next,
      activeKey: { keyUrl: newKey },
      provisioningState: "Succeeded",
      // previousKeys lists the old key while disks are re-wrapped; the emulator finishes that with the operation.
      previousKeys: [],
      ...(oldKey && oldKey !== newKey
        ? { lastKeyRotationTimestamp: new Date(ctx.emu.clock.nowMs()).toISOString() }
        : {}),
    },
  };
  if (existing && oldKey && oldKey !== newKey)
    existing.properties = {
      ...existing.properties,
      previousKeys: [{ keyUrl: oldKey }],
      provisioningState: "Updating",
    };
  return accepted(ctx, {
    namespace: "Microsoft.Compute",
    resourceId,
    location,
    statusSegment: "DiskOperations",
    resultSegment: "DiskOperations",
    monitor: true,
    // DiskRP answers the 202 with the disk encryption set as it will be (diskEncryptionSet.json, 202 schema).
    body: serialize({ ...des, properties: { ...des.properties, provisioningState: "Updating" } }),
    complete: (o) => {
      if (o === "Succeeded") ctx.store.putResource(des);
      else if (existing)
        existing.properties = { ...existing.properties, previousKeys: [], provisioningState: "Succeeded" };
    },
    result: () => serialize(des),
  });
}

export const diskEncryptionSets: ResourceProvider = {
  type: "Microsoft.Compute/diskEncryptionSets",
  async get(ctx, id, existing) {
    const r = requireExisting(existing, id);
    r.internal.cmk = await check(ctx, r, "use");
    return { status: 200, body: serialize(r) };
  },
  put: (ctx, id, existing) => write(ctx, id, existing, false),
  patch: (ctx, id, existing) => write(ctx, id, requireExisting(existing, id), true),
  delete: deleteTracked,
};
