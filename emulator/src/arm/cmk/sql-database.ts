import { createHash, randomUUID } from "node:crypto";
import { ArmError } from "../errors.js";
import { accepted } from "../lro-http.js";
import type { ResourceId } from "../resource-id.js";
import type { ArmResource } from "../store.js";
import { asRecord, authorizeWrite, bodyObject, requireExisting, resolveIdentity } from "../tracked.js";
import type { ArmContext, ResourceProvider } from "../types.js";
import { checkCustomerKey, parseKeyUri } from "./check.js";
import { cmkError, type CmkErrorTable } from "./errors.js";
import { requireServer, SQL_CMK_ERRORS, withKind } from "./sql.js";

/**
 * Database-level TDE with customer-managed keys (docs/azure-contracts.md §5.6; Microsoft.Sql 2023-08-01
 * `Databases.json` and `DatabaseEncryptionProtectorRevert.json`): the database's own single user-assigned
 * identity and federated client ID reach each key in `keys`; `encryptionProtector` must be one of them.
 * Error codes are the spec's documented ones; where the spec lists a code without saying when, COVERAGE.md says so.
 */
const ERRORS: CmkErrorTable = {
  ...SQL_CMK_ERRORS,
  IdentityNotOnResource: [
    "AzureKeyVaultNoServerIdentity",
    () =>
      "The database identity is not correctly configured: give the database one user assigned identity that can reach the key.",
  ],
};
const SYSTEM_DATABASES = /^(master|model|tempdb|msdb|resource)$/i;
const TYPE = "Microsoft.Sql/servers/databases";

const bad = (code: string, message: string) => new ArmError(400, code, message);
const sameUri = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
/** Same key material: the same version of the same key in the same vault. */
const sameMaterial = (a: string, b: string) => {
  const x = parseKeyUri(a);
  const y = parseKeyUri(b);
  return (
    !!x &&
    !!y &&
    x.host === y.host &&
    x.name.toLowerCase() === y.name.toLowerCase() &&
    x.version === y.version
  );
};
const keyUris = (r: { properties: Record<string, unknown> }) =>
  Object.keys(asRecord(r.properties.keys) ?? {});
const onlyUami = (identity: Record<string, unknown> | undefined) =>
  Object.keys(asRecord(identity?.userAssignedIdentities) ?? {})[0];

/** Every key the database is given is checked through its own identity and federated client, as SQL does. */
async function checkKeys(
  ctx: ArmContext,
  db: { location: string; identity?: Record<string, unknown>; properties: Record<string, unknown> },
  uris: string[],
  mode: "apply" | "use",
) {
  const keys: Record<string, unknown> = {};
  for (const uri of uris) {
    const cmk = await checkCustomerKey(ctx.emu, {
      resourceLocation: db.location,
      identity: db.identity,
      mode,
      sameRegion: false,
      version: "versioned",
      rsaSizes: [2048, 3072],
      uamiResourceId: onlyUami(db.identity),
      federatedClientId: db.properties.federatedClientId
        ? String(db.properties.federatedClientId)
        : undefined,
      keyUri: uri,
    });
    if (!cmk.ok) return { ok: false as const, error: cmkError(ERRORS, cmk) };
    const pub = ctx.emu.keyVault
      .getKey(cmk.host, cmk.keyName, cmk.version)
      ?.publicKey.export({ format: "der", type: "spki" });
    keys[uri] = {
      type: "AzureKeyVault",
      thumbprint: createHash("sha1")
        .update(pub ?? "")
        .digest("hex")
        .toUpperCase(),
      creationDate: new Date(ctx.emu.clock.nowMs()).toISOString(),
      subregion: db.location,
    };
  }
  return { ok: true as const, keys };
}

/** The identity block rules of a database (spec: MultipleIdentitiesOnDatabase, CannotAssignIdentityToMaster). */
function checkIdentity(id: ResourceId, identity: Record<string, unknown> | undefined, requested: unknown) {
  if (!requested) return;
  if (SYSTEM_DATABASES.test(id.name))
    throw bad(
      "CannotAssignIdentityToMaster",
      "Cannot assign an identity to a system database. Database identity cannot be assigned to 'master', 'model', 'tempdb', 'msdb', or 'resource' databases.",
    );
  const type = String(identity?.type ?? "None").toLowerCase();
  if (type.includes("systemassigned"))
    throw bad(
      "BlockSystemAssignedIdentityForCrossTenantCMK",
      "A database supports only a user assigned managed identity (Cross tenant CMK can only be configured with a User Assigned Managed Identity).",
    );
  if (Object.keys(asRecord(identity?.userAssignedIdentities) ?? {}).length > 1)
    throw bad(
      "MultipleIdentitiesOnDatabase",
      "Only one user assigned managed identity is supported at the Database Level.",
    );
}

/** The geo-replication rules of a database-level protector (spec error list of DatabaseEncryptionProtectors_Revert). */
function checkSecondary(id: ResourceId, next: ArmResource, source: ArmResource | undefined) {
  if (!source) throw new ArmError(404, "SourceDatabaseNotFound", "The source database does not exist.");
  if (source.internal.primaryId)
    throw bad(
      "SecurityAzureKeyVaultGeoChainError",
      "Creating secondary of secondary (a process known as chaining) is not supported when enabling Transparent Data Encryption using Azure Key Vault (BYOK).",
    );
  if (source.id.toLowerCase().startsWith(`${id.parentId.toLowerCase()}/`))
    throw bad(
      "ReplicationSourceAndTargetMustBeInDifferentServers",
      "The replication source and target databases must be in different logical servers.",
    );
  if (source.name.toLowerCase() !== id.name.toLowerCase())
    throw bad(
      "ReplicationSourceAndTargetMustHaveSameName",
      "The replication source and target databases must have the same name.",
    );
  const protector = source.properties.encryptionProtector;
  if (typeof protector !== "string" || !protector) return;
  if (!onlyUami(next.identity))
    throw bad(
      "PerDatabaseCMKMissingIdentityOnGeoSecondaryDatabase",
      "Per Database CMK identity not setup on the target database.",
    );
  const keys = keyUris(next);
  if (keys.length === 0)
    throw bad(
      "PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeysWithDatabaseName",
      `While attempting to replicate a database configured with database level encryption protector, the current keys being used by the primary database must be passed to the secondary database '${id.name}'`,
    );
  const p = parseKeyUri(protector);
  if (
    source.properties.encryptionProtectorAutoRotation === true &&
    !keys.some(
      (k) => parseKeyUri(k)?.host === p?.host && parseKeyUri(k)?.name.toLowerCase() === p?.name.toLowerCase(),
    )
  )
    throw bad(
      "PerDatabaseCMKAKVKeyUriMissingOnGeoSecondary",
      `When the automatic rotation of database level TDE Protector is enabled, both source and target databases must be connected to the same key vault. Please add key '${protector}' (from the same key vault that is connected to source database) to the target database '${id.name}'.`,
    );
  if (!keys.some((k) => sameMaterial(k, protector))) throw materialMissing(protector, id.name);
  next.properties.encryptionProtector = protector;
  next.properties.encryptionProtectorAutoRotation =
    source.properties.encryptionProtectorAutoRotation === true;
}

const materialMissing = (uri: string, database: string) =>
  bad(
    "PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary",
    `All databases in geo replication must contain the same key material as the encryption protector of the source database. Please add the key '${uri}' with the same key material to the target database '${database}'.`,
  );

const secondariesOf = (ctx: ArmContext, db: ArmResource) =>
  [...ctx.store.resources.values()].filter((r) => r.type === TYPE && sameUri(r.internal.primaryId, db.id));

async function write(ctx: ArmContext, id: ResourceId, existing: ArmResource | undefined, merge: boolean) {
  const server = requireServer(ctx, id);
  const resourceId = existing?.id ?? `${server.id}/databases/${id.name}`;
  authorizeWrite(ctx, id, resourceId);
  const body = bodyObject(ctx);
  const props = asRecord(body.properties) ?? {};
  const identity = resolveIdentity(ctx, resourceId, TYPE, body.identity, existing?.identity, merge);
  checkIdentity(id, identity, body.identity);
  const { keys: requestedKeys, createMode, sourceDatabaseId, ...rest } = props;
  const keys: Record<string, unknown> = merge ? { ...(asRecord(existing?.properties.keys) ?? {}) } : {};
  for (const [uri, v] of Object.entries(asRecord(requestedKeys) ?? {})) {
    // PATCH adds the keys it names; a key set to null is removed (not the protector: SQL needs it).
    if (v === null) delete keys[Object.keys(keys).find((k) => sameUri(k, uri)) ?? uri];
    else if (!Object.keys(keys).some((k) => sameUri(k, uri))) keys[uri] = {};
  }
  const next: ArmResource = {
    id: resourceId,
    name: existing?.name ?? id.name,
    type: TYPE,
    location: server.location,
    identity,
    tags: (body.tags as Record<string, string>) ?? existing?.tags,
    internal: {
      kind: "v12.0,user,vcore",
      sku: existing?.internal.sku ?? { name: "GP_S_Gen5_2", tier: "GeneralPurpose" },
      primaryId: existing?.internal.primaryId,
    },
    properties: {
      collation: "SQL_Latin1_General_CP1_CI_AS",
      databaseId: existing?.properties.databaseId ?? randomUUID(),
      creationDate: existing?.properties.creationDate ?? new Date(ctx.emu.clock.nowMs()).toISOString(),
      ...(merge ? existing?.properties : {}),
      ...rest,
      keys,
      status: "Online",
    },
  };
  const primary = existing?.internal.primaryId
    ? ctx.store.getResource(String(existing.internal.primaryId))
    : undefined;
  if (!existing && createMode === "Secondary") {
    const source = ctx.store.getResource(String(sourceDatabaseId ?? ""));
    checkSecondary(id, next, source);
    next.internal.primaryId = source!.id;
    next.properties.secondaryType = "Geo";
  } else if (
    primary &&
    "encryptionProtector" in props &&
    !sameUri(props.encryptionProtector, primary.properties.encryptionProtector)
  ) {
    // A geo-secondary's protector is the primary's, replicated: it only holds the keys.
    throw bad(
      "UpdateNotAllowedInCurrentReplicationState",
      "The operation is disallowed on the database in its current replication state.",
    );
  }
  if (
    existing?.properties.encryptionProtector &&
    "encryptionProtector" in props &&
    !props.encryptionProtector
  )
    throw bad(
      "InvalidDatabaseCreateOrUpdateRequest",
      "A database-level encryption protector cannot be removed by an update; revert it to the server's protector (encryptionProtector/current/revert).",
    );
  const protector = next.properties.encryptionProtector;
  if (protector !== undefined && protector !== null && protector !== "") {
    if (typeof protector !== "string" || !parseKeyUri(protector))
      throw bad("AzureKeyVaultMalformedVaultUri", "The provided Key Vault uri is not valid.");
    if (!parseKeyUri(protector)?.version)
      throw bad(
        "AzureKeyVaultMalformedKeyUri",
        "The provided Azure Key Vault key URI must include a key version.",
      );
    if (!Object.keys(keys).some((k) => sameUri(k, protector)))
      throw bad(
        "InvalidDatabaseCreateOrUpdateRequest",
        `The encryption protector '${protector}' must be one of the keys of database '${id.name}'.`,
      );
    for (const secondary of secondariesOf(ctx, next))
      if (!keyUris(secondary).some((k) => sameMaterial(k, protector)))
        throw materialMissing(protector, secondary.name);
  }
  // Only keys new to the database are fetched again; the ones it holds keep their thumbprint and date.
  const fresh = Object.keys(keys).filter((k) => !asRecord(keys[k])?.thumbprint);
  const checked = await checkKeys(ctx, next, fresh, "apply");
  if (!checked.ok) throw checked.error;
  Object.assign(keys, checked.keys);
  return accepted(ctx, {
    namespace: "Microsoft.Sql",
    resourceId,
    location: server.location,
    statusSegment: "databaseAzureAsyncOperation",
    resultSegment: "databaseOperationResults",
    complete: (o) => {
      if (o !== "Succeeded") return;
      ctx.store.putResource(next);
      // The primary's protector replicates to its geo-secondaries.
      for (const secondary of secondariesOf(ctx, next)) {
        secondary.properties.encryptionProtector = next.properties.encryptionProtector;
        secondary.properties.encryptionProtectorAutoRotation =
          next.properties.encryptionProtectorAutoRotation;
      }
    },
    result: () => view(next),
  });
}

const view = (r: ArmResource) => ({ ...withKind(r), sku: r.internal.sku });

export const sqlDatabases: ResourceProvider = {
  type: TYPE,
  async get(ctx, id, existing) {
    requireServer(ctx, id);
    const db = requireExisting(existing, id);
    // Without its protector the database cannot open its data: SQL reports it Inaccessible (§5.6).
    const protector = db.properties.encryptionProtector;
    if (typeof protector === "string" && protector) {
      const use = await checkKeys(ctx, db, [protector], "use");
      db.properties.status = use.ok ? "Online" : "Inaccessible";
    }
    return { status: 200, body: view(db) };
  },
  put: (ctx, id, existing) => write(ctx, id, existing, false),
  patch: (ctx, id, existing) => write(ctx, id, requireExisting(existing, id), true),
};

/** `POST …/databases/{db}/encryptionProtector/current/revert`: back to the server's protector (LRO, final state via Location). */
export const sqlDatabaseEncryptionProtector: ResourceProvider = {
  type: `${TYPE}/encryptionProtector`,
  action(ctx, id, _existing, action) {
    const server = requireServer(ctx, id);
    const dbId = `${server.id}/databases/${ctx.path.split("/").at(-4) ?? ""}`;
    const db = ctx.store.getResource(dbId);
    if (!db)
      throw new ArmError(
        404,
        "DatabaseDoesNotExist",
        "User has specified a database name that does not exist on this server instance.",
      );
    if (id.name !== "current" || action.toLowerCase() !== "revert")
      throw bad("InvalidEncryptionProtectorName", "The encryption protector key name is not supported.");
    authorizeWrite(ctx, id, `${db.id}/encryptionProtector/current`);
    if (!db.properties.encryptionProtector)
      throw bad(
        "DatabaseLevelEncryptionProtectorDoesNotExist",
        "Database-level encryption protector does not exist.",
      );
    const serverProtector = ctx.store.getResource(`${server.id}/encryptionProtector/current`);
    if (serverProtector && serverProtector.properties.serverKeyType !== "ServiceManaged")
      throw bad(
        "RevertDatabaseLevelKeyOnlySupportedWithSMK",
        "Database-level encryption protector can only be reverted to the server level encryption when the server is configured with Microsoft Managed Key.",
      );
    return accepted(ctx, {
      namespace: "Microsoft.Sql",
      resourceId: db.id,
      location: server.location,
      resultSegment: "databaseEncryptionProtectorRevertOperationResults",
      complete: (o) => {
        if (o !== "Succeeded") return;
        // The keys stay on the database: old backups and log still need them (they can be removed later).
        db.properties.encryptionProtector = null;
        db.properties.encryptionProtectorAutoRotation = null;
        for (const secondary of secondariesOf(ctx, db)) {
          secondary.properties.encryptionProtector = null;
          secondary.properties.encryptionProtectorAutoRotation = null;
        }
      },
      result: () => undefined,
    });
  },
};
