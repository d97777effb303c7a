import { createHash } from "node:crypto";
import { ArmError, notFound } from "../errors.js";
import { accepted } from "../lro-http.js";
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
import type { ArmContext, ResourceProvider } from "../types.js";
import { checkCustomerKey, parseKeyUri, type CmkResult } from "./check.js";
import { cmkError, type CmkErrorTable } from "./errors.js";

/**
 * SQL TDE errors: the codes the Server Keys REST reference lists (Microsoft Learn, "Server Keys - Create Or Update",
 * 2023-08-01, error responses) with their texts; the federated-token failure is `AdalServicePrincipalNotFound` from
 * the same list; `AzureKeyVaultInvalidActivationDate` is not listed (a guess, COVERAGE.md).
 */
export const SQL_CMK_ERRORS: CmkErrorTable = {
  // The server reaches the vault as its user-assigned identity (primaryUserAssignedIdentityId).
  Forbidden: [
    "UmiMissingAkvPermissions",
    (d) =>
      `The server's user assigned identity is missing the Azure Key Vault permissions 'Get, WrapKey, UnwrapKey'. Please grant them to the identity. ${d}`,
  ],
  TokenAcquisitionFailed: [
    "AdalServicePrincipalNotFound",
    (d) =>
      `The operation could not be completed because an Azure Active Directory library Service Principal not found error was encountered. ${d}`,
  ],
  IdentityNotOnResource: [
    "AzureKeyVaultNoServerIdentity",
    () =>
      "The server identity is not correctly configured on the server. Please set primaryUserAssignedIdentityId.",
  ],
  IdentityNotFound: ["AzureKeyVaultNoServerIdentity"],
  KeyTypeNotSupported: [
    "AzureKeyVaultRsaKeyNotSupported",
    () =>
      "The provided key vault uses unsupported RSA Key Size or Key Type. The supported RSA key size is 2048 or 3072 and Key type is RSA or RSA-HSM.",
  ],
  KeyDisabled: [
    "AzureKeyVaultKeyDisabled",
    () => "The operation could not be completed on the server because the Azure Key Vault key is disabled.",
  ],
  KeyExpired: [
    "AzureKeyVaultInvalidExpirationDate",
    () => "The operation could not be completed because the Azure Key Vault key expiration date is invalid.",
  ],
  KeyNotYetValid: ["AzureKeyVaultInvalidActivationDate"],
  KeyNotFound: ["AzureKeyVaultKeyNameNotFound"],
  PurgeProtectionMissing: [
    "SecurityInvalidAzureKeyVaultRecoveryLevel",
    (d) =>
      `The provided Key Vault uri is not valid. Please ensure the vault has the right Recovery Level other than 'Purgeable'. ${d}`,
  ],
  VersionRequired: [
    "AzureKeyVaultInvalidUri",
    () => "An invalid response from Azure Key Vault. Please use a valid Azure Key Vault URI.",
  ],
  InvalidKeyUri: ["AzureKeyVaultMalformedVaultUri", (d) => `The provided Key Vault uri is not valid. ${d}`],
  VaultNotFound: [
    "AkvHostNotResolvingFromNode",
    (d) => `AKV host '${/'([^']+)'/.exec(d)?.[1] ?? ""}' is not resolvable from SQL.`,
  ],
  Firewall: ["AzureKeyVaultConnectionFailed"],
  default: ["AzureKeyVaultConnectionFailed"],
};

const serverIdOf = (id: ResourceId) => id.parentId;

function checkForServer(
  ctx: ArmContext,
  server: ArmResource,
  uri: string,
  mode: "apply" | "use",
): Promise<CmkResult> {
  return checkCustomerKey(ctx.emu, {
    resourceLocation: server.location,
    identity: server.identity,
    mode,
    sameRegion: false,
    version: "versioned",
    rsaSizes: [2048, 3072],
    uamiResourceId: server.properties.primaryUserAssignedIdentityId
      ? String(server.properties.primaryUserAssignedIdentityId)
      : undefined,
    federatedClientId: server.properties.federatedClientId
      ? String(server.properties.federatedClientId)
      : undefined,
    keyUri: uri,
  });
}

const keyName = (uri: string) => {
  const k = parseKeyUri(uri);
  return k ? `${k.vaultName}_${k.name}_${k.version ?? ""}` : "";
};

async function putServerKey(
  ctx: ArmContext,
  server: ArmResource,
  name: string,
  uri: string,
): Promise<ArmResource> {
  const cmk = await checkForServer(ctx, server, uri, "apply");
  if (!cmk.ok) throw cmkError(SQL_CMK_ERRORS, cmk);
  const pub = ctx.emu.keyVault
    .getKey(cmk.host, cmk.keyName, cmk.version)
    ?.publicKey.export({ format: "der", type: "spki" });
  return ctx.store.putResource({
    id: `${server.id}/keys/${name}`,
    name,
    type: "Microsoft.Sql/servers/keys",
    location: server.location,
    internal: { kind: "azurekeyvault" },
    properties: {
      serverKeyType: "AzureKeyVault",
      uri,
      thumbprint: createHash("sha1")
        .update(pub ?? "")
        .digest("hex")
        .toUpperCase(),
      creationDate: new Date(ctx.emu.clock.nowMs()).toISOString(),
      autoRotationEnabled: false,
      subregion: server.location,
    },
  });
}

export const withKind = (r: ArmResource) => ({ ...serialize(r), kind: r.internal.kind });

export const sqlServers: ResourceProvider = {
  type: "Microsoft.Sql/servers",
  get: (_ctx, id, existing) => ({ status: 200, body: withKind(requireExisting(existing, id)) }),
  put(ctx, id, existing) {
    return writeServer(ctx, id, existing, false);
  },
  patch(ctx, id, existing) {
    return writeServer(ctx, id, requireExisting(existing, id), true);
  },
};

async function writeServer(
  ctx: ArmContext,
  id: ResourceId,
  existing: ArmResource | undefined,
  merge: boolean,
) {
  const resourceId =
    existing?.id ??
    `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.Sql/servers/${id.name}`;
  authorizeWrite(ctx, id, resourceId);
  const body = bodyObject(ctx);
  const props = asRecord(body.properties) ?? {};
  const location = String(existing?.location ?? body.location ?? "");
  const identity = resolveIdentity(ctx, resourceId, id.type, body.identity, existing?.identity, merge);
  const { administratorLoginPassword: _secret, keyId, ...rest } = props;
  const next: Record<string, unknown> = { version: "12.0", ...(merge ? existing?.properties : {}), ...rest };
  const primary = next.primaryUserAssignedIdentityId;
  if (
    primary &&
    !Object.keys(asRecord(identity?.userAssignedIdentities) ?? {}).some(
      (k) => k.toLowerCase() === String(primary).toLowerCase(),
    )
  ) {
    throw new ArmError(
      400,
      "InvalidPrimaryUserAssignedIdentityId",
      `The primary user assigned identity '${String(primary)}' must be one of the server's user assigned identities.`,
    );
  }
  const server: ArmResource = {
    id: resourceId,
    name: id.name,
    type: "Microsoft.Sql/servers",
    location,
    identity,
    tags: (body.tags as Record<string, string>) ?? existing?.tags,
    internal: { kind: "v12.0" },
    properties: {
      ...next,
      state: "Ready",
      fullyQualifiedDomainName: `${id.name}.database.windows.net`,
      ...(keyId ? { keyId } : {}),
    },
  };
  // Creating a server with keyId sets up the server key and the encryption protector in one go (§4.4).
  if (typeof keyId === "string") await putServerKey(ctx, server, keyName(keyId), keyId);
  return accepted(ctx, {
    namespace: "Microsoft.Sql",
    resourceId,
    location,
    statusSegment: "serverAzureAsyncOperation",
    resultSegment: "serverOperationResults",
    complete: (o) => {
      if (o !== "Succeeded") return;
      ctx.store.putResource(server);
      // Every logical server has its system database, listed among its databases (never given a key of its own).
      if (!ctx.store.getResource(`${resourceId}/databases/master`))
        ctx.store.putResource({
          id: `${resourceId}/databases/master`,
          name: "master",
          type: "Microsoft.Sql/servers/databases",
          location,
          internal: { kind: "v12.0,system", sku: { name: "System", tier: "System" } },
          properties: { collation: "SQL_Latin1_General_CP1_CI_AS", status: "Online" },
        });
      if (typeof keyId === "string") setProtector(ctx, server, keyName(keyId), "AzureKeyVault", false);
    },
    result: () => withKind(server),
  });
}

function setProtector(
  ctx: ArmContext,
  server: ArmResource,
  serverKeyName: string,
  serverKeyType: string,
  autoRotationEnabled: boolean,
): ArmResource {
  const key = ctx.store.getResource(`${server.id}/keys/${serverKeyName}`);
  const managed = serverKeyType === "ServiceManaged";
  return ctx.store.putResource({
    id: `${server.id}/encryptionProtector/current`,
    name: "current",
    type: "Microsoft.Sql/servers/encryptionProtector",
    location: server.location,
    internal: { kind: managed ? "servicemanaged" : "azurekeyvault" },
    properties: {
      serverKeyName: managed ? "ServiceManaged" : serverKeyName,
      serverKeyType,
      autoRotationEnabled,
      subregion: server.location,
      ...(key && !managed ? { uri: key.properties.uri, thumbprint: key.properties.thumbprint } : {}),
    },
  });
}

export function requireServer(ctx: ArmContext, id: ResourceId): ArmResource {
  const server = ctx.store.getResource(serverIdOf(id));
  if (!server)
    throw new ArmError(
      404,
      "ParentResourceNotFound",
      `Can not perform requested operation on nested resource. Parent resource '${serverIdOf(id).split("/").pop()}' not found.`,
    );
  return server;
}

export const sqlServerKeys: ResourceProvider = {
  type: "Microsoft.Sql/servers/keys",
  get: (ctx, id, existing) => {
    requireServer(ctx, id);
    return { status: 200, body: withKind(requireExisting(existing, id)) };
  },
  async put(ctx, id) {
    const server = requireServer(ctx, id);
    authorizeWrite(ctx, id, `${server.id}/keys/${id.name}`);
    const props = asRecord(bodyObject(ctx).properties) ?? {};
    if (props.serverKeyType !== "AzureKeyVault")
      throw new ArmError(400, "InvalidKeyType", "The create server key type is not supported.");
    const uri = String(props.uri ?? "");
    if (keyName(uri).toLowerCase() !== id.name.toLowerCase()) {
      throw new ArmError(
        400,
        "InvalidKeyName",
        `An invalid value was given for the server key name. The server key name '${id.name}' does not match the expected format '{vaultName}_{keyName}_{keyVersion}' for the key URI '${uri}'.`,
      );
    }
    const key = await putServerKey(ctx, server, id.name, uri);
    return { status: 200, body: withKind(key) };
  },
};

export const sqlEncryptionProtector: ResourceProvider = {
  type: "Microsoft.Sql/servers/encryptionProtector",
  get(ctx, id, existing) {
    const server = requireServer(ctx, id);
    return {
      status: 200,
      body: withKind(existing ?? setProtector(ctx, server, "ServiceManaged", "ServiceManaged", false)),
    };
  },
  async put(ctx, id) {
    const server = requireServer(ctx, id);
    if (id.name !== "current") throw notFound(id.type, id.name, id.resourceGroup);
    authorizeWrite(ctx, id, `${server.id}/encryptionProtector/current`);
    const props = asRecord(bodyObject(ctx).properties) ?? {};
    const type = String(props.serverKeyType ?? "");
    if (type === "AzureKeyVault") {
      const key = ctx.store.getResource(`${server.id}/keys/${String(props.serverKeyName ?? "")}`);
      if (!key)
        throw new ArmError(
          400,
          "ServerKeyNotFound",
          `The server key '${String(props.serverKeyName ?? "")}' was not found on server '${server.name}'.`,
        );
      // SQL re-validates access to the key when it becomes the protector.
      const cmk = await checkForServer(ctx, server, String(key.properties.uri), "apply");
      if (!cmk.ok) throw cmkError(SQL_CMK_ERRORS, cmk);
    } else if (type !== "ServiceManaged") {
      throw new ArmError(400, "InvalidKeyType", `The server key type '${type}' is not supported.`);
    }
    const resourceId = `${server.id}/encryptionProtector/current`;
    return accepted(ctx, {
      namespace: "Microsoft.Sql",
      resourceId,
      location: server.location,
      statusSegment: "encryptionProtectorAzureAsyncOperation",
      resultSegment: "encryptionProtectorOperationResults",
      complete: (o) => {
        if (o === "Succeeded")
          setProtector(
            ctx,
            server,
            String(props.serverKeyName ?? ""),
            type,
            props.autoRotationEnabled === true,
          );
      },
      result: () => withKind(ctx.store.getResource(resourceId) ?? server),
    });
  },
};
