import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { contosoWithIsvApp, createKey, customerVault, grant, IDS, ISV_RG, ROLES } from "./resource-world.js";

// Database-level TDE CMK (Microsoft.Sql 2023-08-01 Databases.json, DatabaseEncryptionProtectorRevert.json).
const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/cmk-db`;
const SQL = `${ISV_RG}/providers/Microsoft.Sql/servers`;
const V = "?api-version=2023-08-01";
const UAMI_APP = IDS.uamiCmk.replace("crosskey-cmk", "crosskey-app");
const uami = { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } };
let em: RunningEmulator;
let isv = "";
const keys: Record<string, string> = {};

const settle = () => em.emu.clock.advance(2);
const get = async (id: string) => (await call(em.url, "GET", `${id}${V}`, isv)).body;
const props = (b: Record<string, unknown>) => b.properties as Record<string, unknown>;
const dbCmk = (key: string, extra: Record<string, unknown> = {}) => ({
  identity: uami,
  properties: {
    federatedClientId: IDS.cmkAppId,
    keys: { [key]: {} },
    encryptionProtector: key,
    ...extra,
  },
});

async function server(name: string, location = "westeurope") {
  const r = await call(em.url, "PUT", `${SQL}/${name}${V}`, isv, {
    location,
    properties: { administratorLogin: "sqladmin", administratorLoginPassword: "P@ssw0rd-123" },
  });
  expect(r.status).toBe(202);
  settle();
}

async function database(serverName: string, name: string, body: Record<string, unknown> = {}) {
  const r = await call(em.url, "PUT", `${SQL}/${serverName}/databases/${name}${V}`, isv, {
    location: "westeurope",
    ...body,
  });
  settle();
  return r;
}

beforeAll(async () => {
  em = await startEmulator();
  const session = await contosoWithIsvApp(em.url);
  isv = session.isv;
  const { arm, kv, sp: SP } = session;
  const { vaultId } = await customerVault(em.url, arm, {
    rg: CUST_RG,
    vault: "contoso-db",
    adminOid: IDS.contosoAdmin,
  });
  keys.a = await createKey(em.url, kv, "contoso-db", "a", { kty: "RSA", key_size: 3072 });
  keys.b = await createKey(em.url, kv, "contoso-db", "b", { kty: "RSA", key_size: 2048 });
  keys.ec = await createKey(em.url, kv, "contoso-db", "ec", { kty: "EC", crv: "P-256" });
  keys.norole = await createKey(em.url, kv, "contoso-db", "norole", { kty: "RSA", key_size: 2048 });
  for (const k of ["a", "b", "ec"])
    expect((await grant(em.url, arm, `${vaultId}/keys/${k}`, ROLES.serviceEncryptionUser, SP)).status).toBe(
      201,
    );
  await server("sql-tenants");
  await server("sql-tenants-dr", "northeurope");
  await server("sql-tenants-dr2", "northeurope");
  for (const db of ["db-one", "db-two", "db-three", "db-revert"])
    expect((await database("sql-tenants", db)).status).toBe(202);
});

afterAll(async () => {
  await em?.close();
});

describe("[arm] SQL database-level customer-managed keys", () => {
  it("a PATCH gives one database its own identity, key and protector; its neighbour keeps the server's", async () => {
    const id = `${SQL}/sql-tenants/databases/db-one`;
    const r = await call(
      em.url,
      "PATCH",
      `${id}${V}`,
      isv,
      dbCmk(keys.a!, { encryptionProtectorAutoRotation: true }),
    );
    expect(r.status).toBe(202);
    expect(r.headers.get("azure-asyncoperation")).toMatch(/databaseAzureAsyncOperation/);
    // Until the operation ends the database is unchanged.
    expect(props(await get(id)).encryptionProtector).toBeUndefined();
    settle();
    const body = await get(id);
    expect(props(body)).toMatchObject({
      encryptionProtector: keys.a,
      encryptionProtectorAutoRotation: true,
      federatedClientId: IDS.cmkAppId,
      status: "Online",
    });
    const key = (props(body).keys as Record<string, Record<string, unknown>>)[keys.a!]!;
    expect(key).toMatchObject({ type: "AzureKeyVault", subregion: "westeurope" });
    expect(key.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(
      Object.values((body.identity as { userAssignedIdentities: object }).userAssignedIdentities)[0],
    ).toHaveProperty("principalId");
    expect(props(await get(`${SQL}/sql-tenants/databases/db-two`)).encryptionProtector).toBeUndefined();
  });

  it("refuses what SQL refuses, with its codes, and writes nothing", async () => {
    const id = `${SQL}/sql-tenants/databases/db-two`;
    const patch = async (body: unknown) =>
      (await call(em.url, "PATCH", `${id}${V}`, isv, body)).body.error?.code;
    expect(
      await patch({
        ...dbCmk(keys.a!),
        properties: { ...dbCmk(keys.a!).properties, keys: { [keys.b!]: {} } },
      }),
    ).toBe("InvalidDatabaseCreateOrUpdateRequest");
    expect(await patch(dbCmk(keys.ec!))).toBe("AzureKeyVaultRsaKeyNotSupported");
    expect(await patch(dbCmk(keys.norole!))).toBe("UmiMissingAkvPermissions");
    expect(await patch(dbCmk(keys.a!.replace(/\/[0-9a-f]{32}$/, "")))).toBe("AzureKeyVaultMalformedKeyUri");
    expect(await patch({ ...dbCmk(keys.a!), identity: undefined })).toBe("AzureKeyVaultNoServerIdentity");
    expect(
      await patch({
        ...dbCmk(keys.a!),
        identity: { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {}, [UAMI_APP]: {} } },
      }),
    ).toBe("MultipleIdentitiesOnDatabase");
    expect(
      await patch({
        ...dbCmk(keys.a!),
        properties: { ...dbCmk(keys.a!).properties, federatedClientId: undefined },
      }),
    ).toBe("AdalServicePrincipalNotFound");
    const master = await call(em.url, "PUT", `${SQL}/sql-tenants/databases/master${V}`, isv, {
      location: "westeurope",
      ...dbCmk(keys.a!),
    });
    expect(master.body.error?.code).toBe("CannotAssignIdentityToMaster");
    expect(props(await get(id)).encryptionProtector).toBeUndefined();
  });

  it("a geo-secondary must be given the identity and the primary's key; the protector then replicates", async () => {
    const primary = `${SQL}/sql-tenants/databases/db-three`;
    expect((await call(em.url, "PATCH", `${primary}${V}`, isv, dbCmk(keys.a!))).status).toBe(202);
    settle();
    const secondary = (body: Record<string, unknown>) =>
      database("sql-tenants-dr", "db-three", {
        ...body,
        properties: { createMode: "Secondary", sourceDatabaseId: primary, ...(body.properties as object) },
      });
    expect((await secondary({})).body.error?.code).toBe(
      "PerDatabaseCMKMissingIdentityOnGeoSecondaryDatabase",
    );
    expect(
      (await secondary({ identity: uami, properties: { federatedClientId: IDS.cmkAppId } })).body.error?.code,
    ).toBe("PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeysWithDatabaseName");
    const without = await secondary({
      identity: uami,
      properties: { federatedClientId: IDS.cmkAppId, keys: { [keys.b!]: {} } },
    });
    expect(without.body.error).toMatchObject({ code: "PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary" });
    expect(without.body.error?.message).toContain(keys.a);
    const sameServer = await call(em.url, "PUT", `${SQL}/sql-tenants/databases/db-three-copy${V}`, isv, {
      location: "westeurope",
      properties: { createMode: "Secondary", sourceDatabaseId: primary },
    });
    expect(sameServer.body.error?.code).toBe("ReplicationSourceAndTargetMustBeInDifferentServers");

    const ok = await secondary({
      identity: uami,
      properties: { federatedClientId: IDS.cmkAppId, keys: { [keys.a!]: {} } },
    });
    expect(ok.status).toBe(202);
    const dr = `${SQL}/sql-tenants-dr/databases/db-three`;
    expect(props(await get(dr))).toMatchObject({ secondaryType: "Geo", encryptionProtector: keys.a });

    // The primary cannot move to a key its secondary does not hold; once the secondary has it, it can.
    const toB = await call(em.url, "PATCH", `${primary}${V}`, isv, dbCmk(keys.b!));
    expect(toB.body.error?.code).toBe("PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary");
    const onSecondary = await call(em.url, "PATCH", `${dr}${V}`, isv, {
      properties: { encryptionProtector: keys.b },
    });
    expect(onSecondary.body.error?.code).toBe("UpdateNotAllowedInCurrentReplicationState");
    expect(
      (await call(em.url, "PATCH", `${dr}${V}`, isv, { properties: { keys: { [keys.b!]: {} } } })).status,
    ).toBe(202);
    settle();
    expect((await call(em.url, "PATCH", `${primary}${V}`, isv, dbCmk(keys.b!))).status).toBe(202);
    settle();
    expect(props(await get(dr)).encryptionProtector).toBe(keys.b);
    // A secondary of a secondary (chaining) is refused with a customer key.
    const chain = await database("sql-tenants-dr2", "db-three", {
      identity: uami,
      properties: {
        createMode: "Secondary",
        sourceDatabaseId: dr,
        federatedClientId: IDS.cmkAppId,
        keys: { [keys.b!]: {} },
      },
    });
    expect(chain.body.error?.code).toBe("SecurityAzureKeyVaultGeoChainError");
  });

  it("reverts to the server's protector only while the server uses a service-managed key", async () => {
    const id = `${SQL}/sql-tenants/databases/db-revert`;
    const revert = () => call(em.url, "POST", `${id}/encryptionProtector/current/revert${V}`, isv);
    expect((await revert()).body.error?.code).toBe("DatabaseLevelEncryptionProtectorDoesNotExist");
    expect((await call(em.url, "PATCH", `${id}${V}`, isv, dbCmk(keys.a!))).status).toBe(202);
    settle();
    expect(
      (await call(em.url, "PATCH", `${id}${V}`, isv, { properties: { encryptionProtector: null } })).body
        .error?.code,
    ).toBe("InvalidDatabaseCreateOrUpdateRequest");

    // A server-level customer key on the server: Azure refuses the revert.
    const keyName = `contoso-db_a_${keys.a!.split("/").at(-1)}`;
    const srv = `${SQL}/sql-tenants`;
    expect(
      (
        await call(em.url, "PATCH", `${srv}${V}`, isv, {
          identity: uami,
          properties: { primaryUserAssignedIdentityId: IDS.uamiCmk, federatedClientId: IDS.cmkAppId },
        })
      ).status,
    ).toBe(202);
    settle();
    expect(
      (
        await call(em.url, "PUT", `${srv}/keys/${keyName}${V}`, isv, {
          properties: { serverKeyType: "AzureKeyVault", uri: keys.a },
        })
      ).status,
    ).toBe(200);
    const protector = (serverKeyType: string, serverKeyName: string) =>
      call(em.url, "PUT", `${srv}/encryptionProtector/current${V}`, isv, {
        properties: { serverKeyType, serverKeyName },
      });
    expect((await protector("AzureKeyVault", keyName)).status).toBe(202);
    settle();
    expect((await revert()).body.error?.code).toBe("RevertDatabaseLevelKeyOnlySupportedWithSMK");

    expect((await protector("ServiceManaged", "ServiceManaged")).status).toBe(202);
    settle();
    const accepted = await revert();
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get("location")!;
    expect(location).toMatch(/databaseEncryptionProtectorRevertOperationResults/);
    settle();
    expect((await call(em.url, "GET", location.replace(em.url, ""), isv)).status).toBe(204);
    const body = await get(id);
    expect(props(body).encryptionProtector).toBeNull();
    // The key stays listed: backups taken under it still need it.
    expect(Object.keys(props(body).keys as object)).toEqual([keys.a]);
  });
});
