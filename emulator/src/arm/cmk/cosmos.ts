import { ArmError } from "../errors.js";
import { accepted, operationUrl, RETRY_AFTER, startOperation } from "../lro-http.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import {
  asRecord,
  authorizeWrite,
  bodyObject,
  requireExisting,
  resolveIdentity,
  serialize,
} from "../tracked.js";
import type { ArmContext, ArmResponse, ResourceProvider } from "../types.js";
import { authorize } from "../auth.js";
import { checkCustomerKey, parseKeyUri, type CmkFailure, type CmkResult } from "./check.js";

const GUIDE =
  "for more details about this error and how to restore access to your account please visit https://learn.microsoft.com/en-us/azure/cosmos-db/cmk-troubleshooting-guide";
/** customerManagedKeyStatus strings (§4.2 spec enum) keyed by Cosmos sub-status code. */
const REVOKED: Record<number, string> = {
  4000: "the Azure Cosmos DB service is unable to obtain the AAD authentication token for the account's default identity",
  4002: "the current default identity no longer has permission to the associated Key Vault key",
  4003: "the correspondent key is not found on the specified Key Vault",
  4005: "the Azure Cosmos DB service is unable to wrap or unwrap the key",
  4006: "the Azure Cosmos DB account's key vault key URI does not follow the expected format",
  4009: "the Azure Key Vault DNS name specified by the account's keyvaultkeyuri property could not be resolved",
  4015: "the Azure Cosmos DB account has an undefined default identity",
  4016: "the access rules are blocking outbound requests to the Azure Key Vault service",
  4017: "the correspondent Azure Key Vault was not found",
};
const CONFIRMED = "Access to the configured customer managed key confirmed.";

const SUBSTATUS: Partial<Record<CmkFailure, number>> = {
  TokenAcquisitionFailed: 4000,
  Forbidden: 4002,
  KeyNotFound: 4003,
  WrapUnwrapFailed: 4005,
  KeyDisabled: 4005,
  KeyExpired: 4005,
  KeyNotYetValid: 4005,
  KeyTypeNotSupported: 4005,
  InvalidKeyUri: 4006,
  VersionNotAllowed: 4006,
  VaultNotFound: 4009,
  IdentityNotOnResource: 4015,
  IdentityNotFound: 4015,
  Firewall: 4016,
};

/**
 * Microsoft Learn, "Troubleshoot … Azure Cosmos DB … customer-managed keys" and "Configure customer-managed keys":
 * a key that cannot be found, a `defaultIdentity` without `&FederatedClientId` for a vault of another tenant, or a
 * deleted app answer 503 ServiceUnavailable "Error contacting the Azure Key Vault resource…"; a vault firewall
 * 403 ForbiddenByFirewall; everything else 400. The sub-status in the message is the emulator's (COVERAGE.md).
 */
function keyError(uri: string, cmk: Extract<CmkResult, { ok: false }>): ArmError {
  const code = SUBSTATUS[cmk.reason];
  const tail = `${code ? ` (sub-status ${code})` : ""}: ${cmk.message}`;
  if (cmk.reason === "VersionNotAllowed")
    return new ArmError(
      400,
      "BadRequest",
      `The keyVaultKeyUri '${uri}' must not contain a key version; Azure Cosmos DB always uses the latest version of the key.`,
    );
  if (cmk.reason === "KeyNotFound" || cmk.reason === "TokenAcquisitionFailed")
    return new ArmError(
      503,
      "ServiceUnavailable",
      `Error contacting the Azure Key Vault resource. Please try again. Key '${uri}'${tail}`,
    );
  if (cmk.reason === "Firewall")
    return new ArmError(
      403,
      "ForbiddenByFirewall",
      `Request blocked by the Azure Key Vault firewall for key '${uri}'${tail}`,
    );
  return new ArmError(400, "BadRequest", `Unable to access the customer managed key '${uri}'${tail}`);
}

const hasCapability = (p: Record<string, unknown>, name: string) =>
  Array.isArray(p.capabilities) &&
  p.capabilities.some((c) => String(asRecord(c)?.name ?? "").toLowerCase() === name.toLowerCase());

/**
 * Microsoft Learn, "Configure customer-managed keys for your existing Azure Cosmos DB account with Azure Key Vault",
 * Known limitations: not on an existing API for Apache Cassandra account, nor with materialized views, nor with vector
 * search (the capability names are the ARM ones; the texts are the emulator's).
 */
const CMK_BLOCKERS: [string, (p: Record<string, unknown>) => boolean][] = [
  ["the API for Apache Cassandra", (p) => hasCapability(p, "EnableCassandra")],
  ["materialized views", (p) => p.enableMaterializedViews === true],
  ["vector search", (p) => hasCapability(p, "EnableNoSQLVectorSearch")],
];

/**
 * The same page: an existing account with continuous backup or analytical store takes the key only in steps — a
 * managed identity on the account, then `defaultIdentity` naming it, then (after the vault grants that identity)
 * `keyVaultKeyUri` on its own; with continuous backup only a user-assigned identity. The refusal's code and text
 * are the emulator's (not documented).
 */
const ORDERED_ENABLE: [string, (p: Record<string, unknown>) => boolean][] = [
  ["continuous backup", (p) => String(asRecord(p.backupPolicy)?.type ?? "").toLowerCase() === "continuous"],
  ["analytical store", (p) => p.enableAnalyticalStorage === true],
];

/** Whether identity and defaultIdentity were set by earlier updates, as the ordered enablement needs. */
function identityPrepared(
  existing: ArmResource,
  body: Record<string, unknown>,
  props: Record<string, unknown>,
) {
  if (body.identity !== undefined || props.defaultIdentity !== undefined) return false;
  const uami = parseDefaultIdentity(existing.properties.defaultIdentity).uami?.toLowerCase();
  const assigned = Object.keys(asRecord(existing.identity?.userAssignedIdentities) ?? {}).map((k) =>
    k.toLowerCase(),
  );
  return !!uami && assigned.includes(uami);
}

const vaultTenant = (ctx: ArmContext, uri: unknown): string | undefined => {
  const host = parseKeyUri(String(uri ?? ""))?.host;
  const vault = host ? ctx.store.findVaultByHost(host) : undefined;
  return vault ? String(vault.properties.tenantId ?? "").toLowerCase() : undefined;
};

export const revokedStatus = (code: number): string =>
  `Access to your account is currently revoked because ${REVOKED[code] ?? "of an unknown error"}; ${GUIDE} (${code}).`;

/** `UserAssignedIdentity={id}&FederatedClientId={appId}` | `UserAssignedIdentity={id}` | First/SystemAssignedIdentity. */
function parseDefaultIdentity(v: unknown): { uami?: string; federatedClientId?: string } {
  const parts = new Map(
    String(v ?? "")
      .split("&")
      .map((p) => {
        const i = p.indexOf("=");
        return [p.slice(0, i).toLowerCase(), p.slice(i + 1)] as const;
      }),
  );
  return { uami: parts.get("userassignedidentity"), federatedClientId: parts.get("federatedclientid") };
}

async function check(
  ctx: ArmContext,
  r: { location: string; identity?: Record<string, unknown>; properties: Record<string, unknown> },
  mode: "apply" | "use",
): Promise<CmkResult> {
  const d = parseDefaultIdentity(r.properties.defaultIdentity);
  return checkCustomerKey(ctx.emu, {
    resourceLocation: r.location,
    identity: r.identity,
    uamiResourceId: d.uami,
    federatedClientId: d.federatedClientId,
    mode,
    keyUri: String(r.properties.keyVaultKeyUri),
    version: "versionless",
    rsaSizes: [2048, 3072, 4096],
    sameRegion: false,
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
    `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.DocumentDB/databaseAccounts/${id.name}`;
  authorizeWrite(ctx, id, resourceId);
  if (!/^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/.test(id.name))
    throw new ArmError(400, "BadRequest", `Database account name '${id.name}' is invalid.`);
  const body = bodyObject(ctx);
  const props = asRecord(body.properties) ?? {};
  const location = String(existing?.location ?? body.location ?? "");
  const identity = resolveIdentity(ctx, resourceId, id.type, body.identity, existing?.identity, merge);
  const before = existing?.properties ?? {};
  const next: Record<string, unknown> = {
    ...(merge ? before : { databaseAccountOfferType: "Standard" }),
    ...props,
  };
  if (before.keyVaultKeyUri && !next.keyVaultKeyUri) {
    throw new ArmError(
      400,
      "BadRequest",
      "Customer managed key encryption cannot be disabled once it has been enabled on an account.",
    );
  }
  if (existing && before.keyVaultKeyUri) {
    // A revoked account takes only a new default identity (or identity) until access is restored.
    const now = await check(ctx, existing, "use");
    const others = Object.keys(props).filter((k) => k !== "defaultIdentity");
    if (!now.ok && others.length > 0)
      throw new ArmError(
        400,
        "BadRequest",
        `The account's access to its customer managed key is revoked (sub-status ${SUBSTATUS[now.reason] ?? 4005}); only 'defaultIdentity' and 'identity' can be updated until access is restored. Refused: ${others.join(", ")}.`,
      );
    // The key's vault may change, its tenant may not.
    const was = vaultTenant(ctx, before.keyVaultKeyUri);
    const will = vaultTenant(ctx, next.keyVaultKeyUri);
    if (was && will && was !== will)
      throw new ArmError(
        400,
        "BadRequest",
        "The key vault of the customer managed key cannot move to another Microsoft Entra tenant.",
      );
  }
  if (existing && !before.keyVaultKeyUri && next.keyVaultKeyUri) {
    const blocker = CMK_BLOCKERS.find(([, on]) => on({ ...before, ...props }));
    if (blocker)
      throw new ArmError(
        400,
        "BadRequest",
        `Customer managed keys cannot be enabled on an existing account with ${blocker[0]}.`,
      );
    const ordered = ORDERED_ENABLE.find(([, on]) => on({ ...before, ...props }));
    if (ordered && !identityPrepared(existing, body, props))
      throw new ArmError(
        400,
        "BadRequest",
        `Customer managed keys can be enabled on an existing account with ${ordered[0]} only in steps: first a user-assigned identity on the account, then 'defaultIdentity' naming it, each in its own update; then 'keyVaultKeyUri' alone.`,
      );
  }
  let cmk = existing?.internal.cmk as CmkResult | undefined;
  if (
    next.keyVaultKeyUri &&
    (props.keyVaultKeyUri !== undefined || props.defaultIdentity !== undefined || !existing)
  ) {
    cmk = await check(ctx, { location, identity, properties: next }, "apply");
    if (!cmk.ok) throw keyError(String(next.keyVaultKeyUri), cmk);
  }
  const account: ArmResource = {
    id: resourceId,
    name: id.name,
    type: "Microsoft.DocumentDB/databaseAccounts",
    location,
    identity,
    tags: (body.tags as Record<string, string>) ?? existing?.tags,
    internal: {
      ...(existing?.internal ?? {}),
      cmk,
      kind: body.kind ?? existing?.internal.kind ?? "GlobalDocumentDB",
    },
    properties: {
      ...next,
      provisioningState: existing ? "Updating" : "Creating",
      documentEndpoint: `https://${id.name}.documents.azure.com:443/`,
      defaultIdentity: next.defaultIdentity ?? "FirstPartyIdentity",
    },
  };
  ctx.store.putResource(account);
  // Cosmos answers 200 with a non-terminal provisioningState + Azure-AsyncOperation (§3.2); the body is final on success.
  const previous = existing ? { ...existing, properties: { ...existing.properties } } : undefined;
  const op = startOperation(ctx, {
    namespace: "Microsoft.DocumentDB",
    resourceId,
    location,
    complete: (o) => {
      if (o === "Succeeded") account.properties.provisioningState = "Succeeded";
      else if (previous) ctx.store.putResource(previous);
      else account.properties.provisioningState = "Failed";
    },
    result: () => out(ctx, account),
  });
  return {
    status: 200,
    body: await out(ctx, account),
    headers: {
      "azure-asyncoperation": operationUrl(ctx, op, "operationsStatus"),
      location: operationUrl(ctx, op, "operationResults"),
      "retry-after": RETRY_AFTER,
    },
  };
}

/** Read view: keyVaultKeyUriVersion follows the newest version; customerManagedKeyStatus reflects access now. */
async function out(ctx: ArmContext, r: ArmResource) {
  const props = { ...r.properties };
  if (props.keyVaultKeyUri && props.provisioningState === "Succeeded") {
    const cmk = await check(ctx, r, "use");
    r.internal.cmk = cmk;
    props.customerManagedKeyStatus = cmk.ok ? CONFIRMED : revokedStatus(SUBSTATUS[cmk.reason] ?? 4005);
    if (cmk.ok) props.keyVaultKeyUriVersion = cmk.version;
  }
  return { ...serialize({ ...r, properties: props }), kind: r.internal.kind };
}

export const cosmosAccounts: ResourceProvider = {
  type: "Microsoft.DocumentDB/databaseAccounts",
  get: async (ctx, id, existing) => ({ status: 200, body: await out(ctx, requireExisting(existing, id)) }),
  put: (ctx, id, existing) => write(ctx, id, existing, false),
  patch: (ctx, id, existing) => write(ctx, id, requireExisting(existing, id), true),
  delete: remove,
};

/**
 * DatabaseAccounts_Delete (cosmos-db.json: 202 Accepted with Location and Azure-AsyncOperation, LRO; 204 when there
 * is no such account): the account shows `provisioningState: Deleting` and is gone once the operation succeeds.
 */
function remove(ctx: ArmContext, id: ResourceId, existing: ArmResource | undefined): ArmResponse {
  if (!existing) return { status: 204 };
  authorize(ctx.store, ctx.caller, existing.id, `${id.type}/delete`);
  const before = existing.properties.provisioningState;
  const res = accepted(ctx, {
    namespace: "Microsoft.DocumentDB",
    resourceId: existing.id,
    location: existing.location,
    statusSegment: "operationsStatus",
    resultSegment: "operationResults",
    complete: (o) => {
      if (o === "Succeeded") ctx.store.deleteResource(existing.id);
      else existing.properties.provisioningState = before;
    },
    result: () => undefined,
  });
  existing.properties.provisioningState = "Deleting";
  return res;
}
