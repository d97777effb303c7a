import { ArmError } from "../errors.js";
import { accepted } from "../lro-http.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import {
  asRecord,
  deleteTracked,
  authorizeWrite,
  bodyObject,
  mergeDeep,
  requireExisting,
  resolveIdentity,
  serialize,
} from "../tracked.js";
import type { ArmContext, ResourceProvider } from "../types.js";
import { checkCustomerKey, type CmkResult } from "./check.js";
import { cmkError, type CmkErrorTable } from "./errors.js";

const AUTH_FAILURE: [string, (d: string) => string] = [
  "KeyVaultAuthenticationFailure",
  (d) =>
    `The operation failed because of authentication issue on the keyvault. For more information, see - https://aka.ms/storagekeyvaultaccesspolicy. Details: ${d}`,
];

/** Storage's errors for a refused customer key (§4.1: KeyVaultPolicyError / KeyVaultAuthenticationFailure observed; the rest guesses). */
const ERRORS: CmkErrorTable = {
  PurgeProtectionMissing: ["KeyVaultPolicyError", () => "Keyvault policy recoverable is not set"],
  KeyNotFound: ["KeyVaultEncryptionKeyNotFound"],
  VaultNotFound: ["KeyVaultVaultNotFound"],
  InvalidKeyUri: ["InvalidValuesForRequestParameters"],
  KeyTypeNotSupported: [
    "KeyVaultKeyTypeNotSupported",
    (d) => `${d} Supported key types are RSA and RSA-HSM with 2048, 3072 or 4096 bits.`,
  ],
  KeyDisabled: ["KeyVaultEncryptionKeyNotEnabled"],
  KeyExpired: ["KeyVaultEncryptionKeyExpired"],
  KeyNotYetValid: ["KeyVaultEncryptionKeyNotEnabled"],
  default: AUTH_FAILURE,
};

const DAY = 86_400;

function cmkInput(
  ctx: ArmContext,
  r: { location: string; identity?: Record<string, unknown>; encryption: Record<string, unknown> },
  mode: "apply" | "use",
) {
  const kv = asRecord(r.encryption.keyvaultproperties) ?? {};
  const id = asRecord(r.encryption.identity) ?? {};
  const vaultUri = String(kv.keyvaulturi ?? "").replace(/\/+$/, "");
  const version = kv.keyversion ? `/${String(kv.keyversion)}` : "";
  return checkCustomerKey(ctx.emu, {
    resourceLocation: r.location,
    identity: r.identity,
    mode,
    uamiResourceId: id.userAssignedIdentity ? String(id.userAssignedIdentity) : undefined,
    federatedClientId: id.federatedIdentityClientId ? String(id.federatedIdentityClientId) : undefined,
    keyUri: `${vaultUri}/keys/${String(kv.keyname ?? "")}${version}`,
    version: "either",
    rsaSizes: [2048, 3072, 4096],
    // "Customer-managed keys for Azure Storage encryption": the account and the vault or managed HSM "can be in
    // different … tenants, regions, and subscriptions".
    sameRegion: false,
  });
}

const isCmk = (enc: Record<string, unknown> | undefined) =>
  String(enc?.keySource ?? "").toLowerCase() === "microsoft.keyvault";

/** Builds the encryption block the RP returns: lower-case keyvaultproperties + read-only version fields. */
function encryptionOut(
  enc: Record<string, unknown>,
  cmk: CmkResult | undefined,
  nowIso: string,
  previous?: Record<string, unknown>,
): Record<string, unknown> {
  const services = {
    blob: { enabled: true, keyType: "Account", lastEnabledTime: previous?.services ? undefined : nowIso },
    file: { enabled: true, keyType: "Account", lastEnabledTime: nowIso },
  };
  const base = {
    requireInfrastructureEncryption: enc.requireInfrastructureEncryption ?? false,
    services: asRecord(previous?.services) ?? services,
  };
  if (!isCmk(enc)) return { ...base, keySource: "Microsoft.Storage" };
  const kv = asRecord(enc.keyvaultproperties) ?? {};
  const ok = cmk?.ok ? cmk : undefined;
  return {
    ...base,
    keySource: "Microsoft.Keyvault",
    keyvaultproperties: {
      keyname: kv.keyname,
      keyversion: kv.keyversion ?? "",
      keyvaulturi: kv.keyvaulturi,
      ...(ok
        ? {
            currentVersionedKeyIdentifier: ok.kid,
            lastKeyRotationTimestamp: nowIso,
            ...(ok.exp
              ? { currentVersionedKeyExpirationTimestamp: new Date(ok.exp * 1000).toISOString() }
              : {}),
          }
        : {}),
    },
    identity: asRecord(enc.identity) ?? {},
  };
}

async function buildAccount(
  ctx: ArmContext,
  id: ResourceId,
  resourceId: string,
  existing: ArmResource | undefined,
  body: Record<string, unknown>,
  merge: boolean,
): Promise<ArmResource> {
  const props = asRecord(body.properties) ?? {};
  const location = String(existing?.location ?? body.location ?? "");
  if (!location)
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  const identity = resolveIdentity(ctx, resourceId, id.type, body.identity, existing?.identity, merge);
  // The RP validates the body after ARM's (linked) authorization; PUT carries the full create parameters.
  if (!merge) requireCreateParameters(body);
  const requested = asRecord(props.encryption);
  const enc = requested
    ? merge && existing
      ? mergeDeep(asRecord(existing.properties.encryption) ?? {}, requested)
      : requested
    : (asRecord(existing?.properties.encryption) ?? { keySource: "Microsoft.Storage" });
  let cmk = existing?.internal.cmk as CmkResult | undefined;
  // Storage validates the key only when the request touches encryption (tags-only PATCHes keep working).
  if (requested && isCmk(enc)) {
    cmk = await cmkInput(ctx, { location, identity, encryption: enc }, "apply");
    if (!cmk.ok) throw cmkError(ERRORS, cmk, 400, "properties.encryption");
  }
  const nowIso = new Date(ctx.emu.clock.nowMs()).toISOString();
  const name = id.name;
  const endpoints = Object.fromEntries(
    ["blob", "queue", "table", "file", "dfs", "web"].map((s) => [
      s,
      `https://${name}.${s === "web" ? "z6" : s}.core.windows.net/`,
    ]),
  );
  const keep = merge ? (existing?.properties ?? {}) : {};
  const { encryption: _ignored, ...rest } = { ...keep, ...props };
  return {
    id: resourceId,
    name,
    type: "Microsoft.Storage/storageAccounts",
    location,
    tags: (body.tags as Record<string, string>) ?? existing?.tags,
    identity,
    internal: {
      ...(existing?.internal ?? {}),
      kind: body.kind ?? existing?.internal.kind ?? "StorageV2",
      sku: body.sku ?? existing?.internal.sku ?? { name: "Standard_LRS", tier: "Standard" },
      cmk,
      lastRotationCheck: ctx.emu.clock.nowSeconds(),
    },
    properties: {
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      supportsHttpsTrafficOnly: true,
      accessTier: "Hot",
      ...rest,
      encryption:
        requested || !existing
          ? encryptionOut(enc, cmk, nowIso, asRecord(existing?.properties.encryption))
          : existing.properties.encryption,
      provisioningState: "Succeeded",
      creationTime: existing?.properties.creationTime ?? nowIso,
      primaryEndpoints: endpoints,
      primaryLocation: location,
      statusOfPrimary: "available",
    },
  };
}

/**
 * Later reads re-run the service's check (`use` mode): a versionless key follows new versions once a day (§4.1),
 * and loss of access is recorded in `internal.cmk` (shown by the control API; Storage's ARM body has no such field).
 */
async function refresh(ctx: ArmContext, r: ArmResource): Promise<void> {
  const enc = asRecord(r.properties.encryption);
  if (!enc || !isCmk(enc)) return;
  const now = ctx.emu.clock.nowSeconds();
  const cmk = await cmkInput(ctx, { location: r.location, identity: r.identity, encryption: enc }, "use");
  r.internal.cmk = cmk;
  const kv = asRecord(enc.keyvaultproperties) ?? {};
  const last = typeof r.internal.lastRotationCheck === "number" ? r.internal.lastRotationCheck : now;
  if (cmk.ok && !kv.keyversion && now - last >= DAY && kv.currentVersionedKeyIdentifier !== cmk.kid) {
    kv.currentVersionedKeyIdentifier = cmk.kid;
    kv.lastKeyRotationTimestamp = new Date(now * 1000).toISOString();
    r.internal.lastRotationCheck = now;
  }
}

/** storage.json StorageAccountCreateParameters: `sku` (with `name`), `kind` (its enum) and `location` are required. */
const KINDS = ["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"];
function requireCreateParameters(body: Record<string, unknown>): void {
  // ARM's deserialization error for a missing required property (code and text: a guess, COVERAGE.md).
  const missing = (name: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: 'Required property '${name}' not found in JSON.'.`,
    );
  if (typeof asRecord(body.sku)?.name !== "string") throw missing("sku");
  if (body.kind === undefined) throw missing("kind");
  if (!KINDS.includes(String(body.kind)))
    throw new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: 'Error converting value "${String(body.kind)}" to type 'Kind'.'.`,
    );
}

const out = (r: ArmResource) => ({ ...serialize(r), kind: r.internal.kind, sku: r.internal.sku });

export const storageAccounts: ResourceProvider = {
  type: "Microsoft.Storage/storageAccounts",
  async get(ctx, id, existing) {
    const r = requireExisting(existing, id);
    await refresh(ctx, r);
    return { status: 200, body: out(r) };
  },
  async put(ctx, id, existing) {
    const resourceId = `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${id.name}`;
    authorizeWrite(ctx, id, resourceId);
    if (!/^[a-z0-9]{3,24}$/.test(id.name)) {
      throw new ArmError(
        400,
        "AccountNameInvalid",
        `${id.name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
      );
    }
    const taken = [...ctx.store.resources.values()].find(
      (r) =>
        r.type === "Microsoft.Storage/storageAccounts" &&
        r.name === id.name &&
        r.id.toLowerCase() !== resourceId.toLowerCase(),
    );
    if (taken)
      throw new ArmError(
        409,
        "StorageAccountAlreadyTaken",
        `The storage account named ${id.name} is already taken.`,
      );
    const account = await buildAccount(ctx, id, resourceId, existing, bodyObject(ctx), false);
    if (existing) return { status: 200, body: out(ctx.store.putResource(account)) };
    // Create: 202 + Location monitor URL; the account exists once the operation has succeeded.
    return accepted(ctx, {
      namespace: "Microsoft.Storage",
      resourceId,
      location: account.location,
      resultSegment: "asyncoperations",
      monitor: true,
      complete: (o) => {
        if (o === "Succeeded") ctx.store.putResource(account);
      },
      result: () => out(account),
    });
  },
  async patch(ctx, id, existing) {
    const r = requireExisting(existing, id);
    authorizeWrite(ctx, id, r.id);
    return {
      status: 200,
      body: out(ctx.store.putResource(await buildAccount(ctx, id, r.id, r, bodyObject(ctx), true))),
    };
  },
  delete: deleteTracked,
};
