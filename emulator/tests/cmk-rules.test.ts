import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import {
  CMK_SQL_SERVER,
  CMK_UAMI_IDENTITY,
  contosoWithIsvApp,
  createKey,
  customerVault,
  grant,
  IDS,
  ISV_RG,
  ROLES,
  serverKeyName,
  settle,
  storageCmk,
} from "./resource-world.js";

const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/cmk`;
let em: RunningEmulator;
let isv = "";
const keys: Record<string, string> = {};

beforeAll(async () => {
  em = await startEmulator();
  const session = await contosoWithIsvApp(em.url);
  isv = session.isv;
  const { arm, kv, sp: SP } = session;
  const ADMIN = IDS.contosoAdmin;
  const { vaultId } = await customerVault(em.url, arm, {
    rg: CUST_RG,
    vault: "contoso-cmk-rules",
    adminOid: ADMIN,
  });
  await customerVault(em.url, arm, {
    rg: CUST_RG,
    vault: "contoso-nopurge",
    adminOid: ADMIN,
    purgeProtection: false,
  });
  keys.rsa = await createKey(em.url, kv, "contoso-cmk-rules", "rsa", { kty: "RSA", key_size: 3072 });
  keys.ec = await createKey(em.url, kv, "contoso-cmk-rules", "ec", { kty: "EC", crv: "P-256" });
  keys.big = await createKey(em.url, kv, "contoso-cmk-rules", "big", { kty: "RSA", key_size: 4096 });
  keys.norole = await createKey(em.url, kv, "contoso-cmk-rules", "norole", { kty: "RSA", key_size: 2048 });
  keys.nopurge = await createKey(em.url, kv, "contoso-nopurge", "k", { kty: "RSA", key_size: 2048 });
  for (const k of ["rsa", "ec", "big"])
    expect((await grant(em.url, arm, `${vaultId}/keys/${k}`, ROLES.serviceEncryptionUser, SP)).status).toBe(
      201,
    );
  expect(
    (
      await grant(
        em.url,
        arm,
        `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-nopurge`,
        ROLES.serviceEncryptionUser,
        SP,
      )
    ).status,
  ).toBe(201);
  const sa = await call(
    em.url,
    "PUT",
    `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamrules?api-version=2025-06-01`,
    isv,
    { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, identity: CMK_UAMI_IDENTITY },
  );
  expect(sa.status).toBe(202);
  await settle(em, isv, sa.headers.get("location"));
});
afterAll(async () => em.close());

const SA = `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamrules?api-version=2025-06-01`;

describe("[cmk] storage accounts", () => {
  it("accepts a reachable customer key and reverts to Microsoft-managed keys", async () => {
    const r = await call(em.url, "PATCH", SA, isv, storageCmk("contoso-cmk-rules", "rsa"));
    expect(r.status).toBe(200);
    const enc = (r.body.properties as { encryption: Record<string, Record<string, unknown>> }).encryption;
    expect(enc.keySource).toBe("Microsoft.Keyvault");
    expect(enc.keyvaultproperties).toMatchObject({
      keyname: "rsa",
      keyversion: "",
      currentVersionedKeyIdentifier: keys.rsa,
    });
    expect(enc.identity).toEqual({
      userAssignedIdentity: IDS.uamiCmk,
      federatedIdentityClientId: IDS.cmkAppId,
    });
    const back = await call(em.url, "PATCH", SA, isv, {
      properties: { encryption: { keySource: "Microsoft.Storage" } },
    });
    expect((back.body.properties as { encryption: Record<string, unknown> }).encryption).not.toHaveProperty(
      "keyvaultproperties",
    );
  });

  it("refuses a key the app has no role on, and a vault without purge protection", async () => {
    const noRole = await call(em.url, "PATCH", SA, isv, storageCmk("contoso-cmk-rules", "norole"));
    expect([noRole.status, noRole.body.error?.code]).toEqual([400, "KeyVaultAuthenticationFailure"]);
    const noPurge = await call(em.url, "PATCH", SA, isv, storageCmk("contoso-nopurge", "k"));
    expect(noPurge.body.error).toMatchObject({
      code: "KeyVaultPolicyError",
      message: "Keyvault policy recoverable is not set",
    });
  });
});

describe("[cmk] cosmos, disk encryption sets, SQL", () => {
  const COSMOS = `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/fabrikam-rules?api-version=2025-10-15`;
  const cosmosBody = (uri: string) => ({
    location: "westeurope",
    identity: CMK_UAMI_IDENTITY,
    properties: {
      databaseAccountOfferType: "Standard",
      locations: [{ locationName: "westeurope", failoverPriority: 0 }],
      keyVaultKeyUri: uri,
      defaultIdentity: `UserAssignedIdentity=${IDS.uamiCmk}&FederatedClientId=${IDS.cmkAppId}`,
    },
  });

  it("Cosmos refuses a versioned key URI, accepts a versionless one, and reports revocation on read", async () => {
    const versioned = await call(em.url, "PUT", COSMOS, isv, cosmosBody(keys.rsa ?? ""));
    expect([versioned.status, versioned.body.error?.code]).toEqual([400, "BadRequest"]);
    const ok = await call(
      em.url,
      "PUT",
      COSMOS,
      isv,
      cosmosBody(keys.rsa?.replace(/\/[0-9a-f]{32}$/, "") ?? ""),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("azure-asyncoperation")).toMatch(
      /\/providers\/Microsoft\.DocumentDB\/locations\/westeurope\/operationsStatus\//,
    );
    expect((ok.body.properties as Record<string, unknown>).provisioningState).toBe("Creating");
    await settle(em, isv, null);
    const read = await call(em.url, "GET", COSMOS, isv);
    expect(read.body.properties).toMatchObject({
      provisioningState: "Succeeded",
      customerManagedKeyStatus: "Access to the configured customer managed key confirmed.",
      keyVaultKeyUriVersion: keys.rsa?.split("/").pop(),
    });
    em.emu.keyVault.updateKey("contoso-cmk-rules.vault.azure.net", "rsa", undefined, { enabled: false });
    const revoked = await call(em.url, "GET", COSMOS, isv);
    expect(String((revoked.body.properties as Record<string, unknown>).customerManagedKeyStatus)).toMatch(
      /^Access to your account is currently revoked because .*\(4005\)\.$/,
    );
    em.emu.keyVault.updateKey("contoso-cmk-rules.vault.azure.net", "rsa", undefined, { enabled: true });
  });

  it("a disk encryption set refuses an EC key and accepts RSA through 202 + Location", async () => {
    const DES = `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des1?api-version=2025-01-02`;
    const body = (keyUrl: string) => ({
      location: "westeurope",
      identity: CMK_UAMI_IDENTITY,
      properties: {
        activeKey: { keyUrl },
        encryptionType: "EncryptionAtRestWithCustomerKey",
        federatedClientId: IDS.cmkAppId,
      },
    });
    const ec = await call(em.url, "PUT", DES, isv, body(keys.ec ?? ""));
    expect([ec.status, ec.body.error?.code]).toEqual([400, "InvalidParameter"]);
    const rsa = await call(em.url, "PUT", DES, isv, body(keys.rsa ?? ""));
    expect(rsa.status).toBe(202);
    expect(rsa.headers.get("retry-after")).toBe("1");
    await settle(em, isv, null);
    expect((await call(em.url, "GET", DES, isv)).body.properties).toMatchObject({
      activeKey: { keyUrl: keys.rsa },
      provisioningState: "Succeeded",
    });
  });

  it("SQL accepts RSA 3072 as TDE protector and refuses EC and RSA 4096 keys", async () => {
    const SERVER = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-sql`;
    const create = await call(em.url, "PUT", `${SERVER}?api-version=2023-08-01`, isv, CMK_SQL_SERVER);
    expect(create.status).toBe(202);
    await settle(em, isv, null);
    for (const k of [keys.ec, keys.big]) {
      const r = await call(
        em.url,
        "PUT",
        `${SERVER}/keys/${serverKeyName(k ?? "")}?api-version=2023-08-01`,
        isv,
        {
          properties: { serverKeyType: "AzureKeyVault", uri: k },
        },
      );
      expect(r.body.error?.code).toBe("AzureKeyVaultRsaKeyNotSupported");
    }
    const ok = await call(
      em.url,
      "PUT",
      `${SERVER}/keys/${serverKeyName(keys.rsa ?? "")}?api-version=2023-08-01`,
      isv,
      { properties: { serverKeyType: "AzureKeyVault", uri: keys.rsa } },
    );
    expect(ok.status).toBe(200);
    expect((ok.body.properties as Record<string, unknown>).thumbprint).toMatch(/^[0-9A-F]{40}$/);
    const prot = await call(
      em.url,
      "PUT",
      `${SERVER}/encryptionProtector/current?api-version=2023-08-01`,
      isv,
      { properties: { serverKeyType: "AzureKeyVault", serverKeyName: serverKeyName(keys.rsa ?? "") } },
    );
    expect(prot.status).toBe(202);
    await settle(em, isv, null);
    expect(
      (await call(em.url, "GET", `${SERVER}/encryptionProtector/current?api-version=2023-08-01`, isv)).body,
    ).toMatchObject({ kind: "azurekeyvault", properties: { serverKeyType: "AzureKeyVault", uri: keys.rsa } });
  });
});
