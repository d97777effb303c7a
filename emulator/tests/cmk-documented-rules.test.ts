import { ClientAssertionCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, installApp, miToken, userToken } from "./resource-helpers.js";
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

/**
 * Rules and error codes as Microsoft documents them (emulator/COVERAGE.md names each source): Storage takes a
 * vault in any region, disk encryption sets keep theirs and need a versioned key URL, SQL answers the codes of the
 * Server Keys REST reference.
 */
const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/documented`;
const PLATFORM_KEY =
  "https://kv-fabrikam-platform.vault.azure.net/keys/platform-disks/5eed0000000000000000000000d15c01";
const WOODGROVE = "c0000000-0000-4000-8000-00000000c002";
const WOODGROVE_ADMIN = "admin@woodgrovebank.onmicrosoft.com";
let em: RunningEmulator;
let isv = "";
const keys: Record<string, string> = {};

beforeAll(async () => {
  em = await startEmulator();
  const session = await contosoWithIsvApp(em.url);
  isv = session.isv;
  const { arm, kv, sp } = session;
  const north = await customerVault(em.url, arm, {
    rg: CUST_RG,
    vault: "contoso-north",
    location: "northeurope",
    adminOid: IDS.contosoAdmin,
  });
  const nopurge = await customerVault(em.url, arm, {
    rg: CUST_RG,
    vault: "contoso-doc-nopurge",
    location: "westeurope",
    adminOid: IDS.contosoAdmin,
    purgeProtection: false,
  });
  keys.north = await createKey(em.url, kv, "contoso-north", "k", { kty: "RSA", key_size: 3072 });
  keys.norole = await createKey(em.url, kv, "contoso-north", "norole", { kty: "RSA", key_size: 3072 });
  keys.nopurge = await createKey(em.url, kv, "contoso-doc-nopurge", "k", { kty: "RSA", key_size: 3072 });
  for (const scope of [`${north.vaultId}/keys/k`, nopurge.vaultId])
    expect((await grant(em.url, arm, scope, ROLES.serviceEncryptionUser, sp)).status).toBe(201);
});
afterAll(async () => em.close());

describe("[cmk] regions: Storage takes any region, disk encryption sets their own", () => {
  it("a storage account in westeurope takes a key from a vault in northeurope", async () => {
    const SA = `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamanyregion?api-version=2025-06-01`;
    const created = await call(em.url, "PUT", SA, isv, {
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      identity: CMK_UAMI_IDENTITY,
    });
    await settle(em, isv, created.headers.get("location"));
    const r = await call(em.url, "PATCH", SA, isv, storageCmk("contoso-north", "k"));
    expect(r.status).toBe(200);
    expect((r.body.properties as { encryption: { keySource: string } }).encryption.keySource).toBe(
      "Microsoft.Keyvault",
    );
  });

  it("a disk encryption set in westeurope refuses that vault", async () => {
    const r = await call(
      em.url,
      "PUT",
      `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des-north?api-version=2025-01-02`,
      isv,
      {
        location: "westeurope",
        identity: CMK_UAMI_IDENTITY,
        properties: { activeKey: { keyUrl: keys.north }, federatedClientId: IDS.cmkAppId },
      },
    );
    expect([r.status, r.body.error?.code]).toEqual([400, "InvalidParameter"]);
    expect(r.body.error?.message).toMatch(/same region/);
  });
});

describe("[cmk] disk encryption sets as diskEncryptionSet.json describes them", () => {
  const DES = `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des-doc?api-version=2025-01-02`;

  it("needs a versioned key URL even with rotationToLatestKeyVersionEnabled", async () => {
    const r = await call(em.url, "PUT", DES, isv, {
      location: "westeurope",
      identity: CMK_UAMI_IDENTITY,
      properties: {
        activeKey: { keyUrl: PLATFORM_KEY.replace(/\/[0-9a-f]{32}$/, "") },
        rotationToLatestKeyVersionEnabled: true,
      },
    });
    expect([r.status, r.body.error?.code]).toEqual([400, "InvalidParameter"]);
    expect(r.body.error?.message).toMatch(/must include a version/);
  });

  it("answers 202 with the set, spells the combined identity type with a space, and clears federatedClientId with 'None'", async () => {
    const r = await call(em.url, "PUT", DES, isv, {
      location: "westeurope",
      identity: { ...CMK_UAMI_IDENTITY, type: "SystemAssigned,UserAssigned" },
      properties: {
        activeKey: { keyUrl: PLATFORM_KEY },
        rotationToLatestKeyVersionEnabled: true,
        federatedClientId: "None",
      },
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      name: "des-doc",
      identity: { type: "SystemAssigned, UserAssigned" },
      properties: { activeKey: { keyUrl: PLATFORM_KEY }, provisioningState: "Updating" },
    });
    expect(r.body.properties).not.toHaveProperty("federatedClientId");
    await settle(em, isv, null);
    const read = await call(em.url, "GET", DES, isv);
    expect(read.body.properties).toMatchObject({ provisioningState: "Succeeded" });
    expect(read.body.properties).not.toHaveProperty("federatedClientId");
  });
});

describe("[cmk] SQL answers the codes of the Server Keys REST reference", () => {
  const SERVER = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-doc-sql`;
  const putKey = (uri: string, name = serverKeyName(uri), serverKeyType = "AzureKeyVault") =>
    call(em.url, "PUT", `${SERVER}/keys/${name}?api-version=2023-08-01`, isv, {
      properties: { serverKeyType, uri },
    });

  beforeAll(async () => {
    const create = await call(em.url, "PUT", `${SERVER}?api-version=2023-08-01`, isv, CMK_SQL_SERVER);
    expect(create.status).toBe(202);
    await settle(em, isv, null);
  });

  it.each([
    [
      "a vault without purge protection",
      () => keys.nopurge ?? "",
      "SecurityInvalidAzureKeyVaultRecoveryLevel",
    ],
    ["a key the server's identity has no role on", () => keys.norole ?? "", "UmiMissingAkvPermissions"],
    [
      "a vault that does not exist",
      () => "https://contoso-nowhere.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
      "AkvHostNotResolvingFromNode",
    ],
  ])("refuses %s", async (_what, uri, code) => {
    const r = await putKey(uri());
    expect([r.status, r.body.error?.code]).toEqual([400, code]);
  });

  it("names the host that does not resolve, and refuses a bad key type or name with InvalidKeyType / InvalidKeyName", async () => {
    const nowhere = await putKey(
      "https://contoso-nowhere.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
    );
    expect(nowhere.body.error?.message).toBe(
      "AKV host 'contoso-nowhere.vault.azure.net' is not resolvable from SQL.",
    );
    const type = await putKey(keys.north ?? "", serverKeyName(keys.north ?? ""), "ServiceManaged");
    expect([type.status, type.body.error?.code]).toEqual([400, "InvalidKeyType"]);
    const name = await putKey(keys.north ?? "", "contoso-north_k_0123");
    expect([name.status, name.body.error?.code]).toEqual([400, "InvalidKeyName"]);
  });
});

describe("[identity] smaller documented behaviour", () => {
  it("discovery for an unknown tenant answers invalid_tenant (AADSTS90002)", async () => {
    const res = await fetch(`${em.url}/not-a-tenant.example/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect([body.error, body.error_codes]).toEqual(["invalid_tenant", [90002]]);
  });

  it("the managed identity endpoint speaks api-version 2019-08-01 only", async () => {
    const q = (v: string) =>
      new URLSearchParams({
        "api-version": v,
        resource: "https://vault.azure.net",
        client_id: IDS.appMiClientId,
      });
    const headers = { "X-IDENTITY-HEADER": "crosskey-emulator-identity-header" };
    expect((await fetch(`${em.url}/msi/token?${q("2018-02-01").toString()}`, { headers })).status).toBe(400);
    expect((await fetch(`${em.url}/msi/token?${q("2019-08-01").toString()}`, { headers })).status).toBe(200);
  });

  it("after consent, Entra refuses the app's tokens for consentPropagationSeconds (AADSTS700016), then issues them", async () => {
    em.emu.settings.consentPropagationSeconds = 30;
    try {
      await installApp(em.url, WOODGROVE, WOODGROVE_ADMIN, IDS.cmkAppId);
      const assertion = () => miToken(em.url, IDS.cmkMiClientId, "api://AzureADTokenExchange");
      const cred = () =>
        new ClientAssertionCredential(WOODGROVE, IDS.cmkAppId, assertion, {
          authorityHost: em.url,
          disableInstanceDiscovery: true,
        });
      await expect(cred().getToken("https://vault.azure.net/.default")).rejects.toThrow(/AADSTS700016/);
      em.emu.clock.advance(31);
      expect((await cred().getToken("https://vault.azure.net/.default"))?.token).toBeTruthy();
    } finally {
      em.emu.settings.consentPropagationSeconds = 0;
    }
  });
});

describe("[cmk] Cosmos DB's error model (Learn: Cosmos DB customer-managed keys troubleshooting)", () => {
  const ACCOUNT = (name: string) =>
    `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/${name}?api-version=2025-10-15`;
  const FEDERATED = `UserAssignedIdentity=${IDS.uamiCmk}&FederatedClientId=${IDS.cmkAppId}`;
  const versionless = (kid: string) => kid.replace(/\/[0-9a-f]{32}$/, "");
  const account = (uri?: string, defaultIdentity = FEDERATED, extra: Record<string, unknown> = {}) => ({
    location: "westeurope",
    identity: CMK_UAMI_IDENTITY,
    properties: {
      databaseAccountOfferType: "Standard",
      locations: [{ locationName: "westeurope", failoverPriority: 0 }],
      ...(uri ? { keyVaultKeyUri: uri, defaultIdentity } : {}),
      ...extra,
    },
  });

  it("a missing key or a default identity without FederatedClientId answers 503 ServiceUnavailable", async () => {
    const missing = await call(
      em.url,
      "PUT",
      ACCOUNT("cosmos-missing"),
      isv,
      account("https://contoso-north.vault.azure.net/keys/no-such-key"),
    );
    expect([missing.status, missing.body.error?.code]).toEqual([503, "ServiceUnavailable"]);
    expect(missing.body.error?.message).toMatch(/^Error contacting the Azure Key Vault resource/);
    const noFederated = await call(
      em.url,
      "PUT",
      ACCOUNT("cosmos-nofic"),
      isv,
      account(versionless(keys.north ?? ""), `UserAssignedIdentity=${IDS.uamiCmk}`),
    );
    expect([noFederated.status, noFederated.body.error?.code]).toEqual([503, "ServiceUnavailable"]);
  });

  it("a vault firewall closed to trusted services answers 403 ForbiddenByFirewall", async () => {
    const arm = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://management.azure.com/.default",
    );
    const vaultId = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-north`;
    const properties = {
      tenantId: IDS.contoso,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
    };
    const close = await call(em.url, "PUT", `${vaultId}?api-version=2023-07-01`, arm, {
      location: "northeurope",
      properties: { ...properties, networkAcls: { defaultAction: "Deny", bypass: "None" } },
    });
    expect(close.status).toBeLessThan(300);
    try {
      const r = await call(em.url, "PUT", ACCOUNT("cosmos-fw"), isv, account(versionless(keys.north ?? "")));
      expect([r.status, r.body.error?.code]).toEqual([403, "ForbiddenByFirewall"]);
    } finally {
      await call(em.url, "PUT", `${vaultId}?api-version=2023-07-01`, arm, {
        location: "northeurope",
        properties,
      });
    }
  });

  it("a revoked account takes only a new default identity; the vault's tenant cannot change", async () => {
    const created = await call(
      em.url,
      "PUT",
      ACCOUNT("cosmos-revoked"),
      isv,
      account(versionless(keys.north ?? "")),
    );
    expect(created.status).toBe(200);
    await settle(em, isv, null);
    em.emu.keyVault.updateKey("contoso-north.vault.azure.net", "k", undefined, { enabled: false });
    try {
      const other = await call(em.url, "PATCH", ACCOUNT("cosmos-revoked"), isv, {
        properties: { enableAutomaticFailover: true },
      });
      expect([other.status, other.body.error?.code]).toEqual([400, "BadRequest"]);
      expect(other.body.error?.message).toMatch(/only 'defaultIdentity' and 'identity' can be updated/);
      // A new default identity is taken and checked; with the key still disabled the check itself fails (4005).
      const fix = await call(em.url, "PATCH", ACCOUNT("cosmos-revoked"), isv, {
        properties: { defaultIdentity: FEDERATED },
      });
      expect(fix.body.error?.message).not.toMatch(/only 'defaultIdentity'/);
      expect(fix.body.error?.message).toMatch(/\(sub-status 4005\)/);
    } finally {
      em.emu.keyVault.updateKey("contoso-north.vault.azure.net", "k", undefined, { enabled: true });
    }
    await settle(em, isv, null);
    const move = await call(em.url, "PATCH", ACCOUNT("cosmos-revoked"), isv, {
      properties: { keyVaultKeyUri: "https://kv-fabrikam-platform.vault.azure.net/keys/platform-disks" },
    });
    expect([move.status, move.body.error?.message]).toEqual([
      400,
      "The key vault of the customer managed key cannot move to another Microsoft Entra tenant.",
    ]);
  });

  // Learn, "Configure customer-managed keys for your existing Azure Cosmos DB account with Azure Key Vault": with
  // continuous backup or analytical store, identity, then defaultIdentity, then keyVaultKeyUri, each on its own.
  it("an existing account with analytical store takes the key only in the documented order", async () => {
    const created = await call(
      em.url,
      "PUT",
      ACCOUNT("cosmos-analytics"),
      isv,
      account(undefined, FEDERATED, { enableAnalyticalStorage: true }),
    );
    expect(created.status).toBe(200);
    await settle(em, isv, null);
    const atOnce = await call(em.url, "PATCH", ACCOUNT("cosmos-analytics"), isv, {
      properties: { keyVaultKeyUri: versionless(keys.north ?? ""), defaultIdentity: FEDERATED },
    });
    expect([atOnce.status, atOnce.body.error?.code]).toEqual([400, "BadRequest"]);
    expect(atOnce.body.error?.message).toMatch(
      /^Customer managed keys can be enabled on an existing account with analytical store only in steps/,
    );
    const defaultIdentity = await call(em.url, "PATCH", ACCOUNT("cosmos-analytics"), isv, {
      properties: { defaultIdentity: FEDERATED },
    });
    expect(defaultIdentity.status).toBe(200);
    await settle(em, isv, null);
    const key = await call(em.url, "PATCH", ACCOUNT("cosmos-analytics"), isv, {
      properties: { keyVaultKeyUri: versionless(keys.north ?? "") },
    });
    expect(key.status).toBe(200);
    await settle(em, isv, null);
    const read = await call(em.url, "GET", ACCOUNT("cosmos-analytics"), isv);
    expect(read.body).toMatchObject({
      properties: {
        keyVaultKeyUri: versionless(keys.north ?? ""),
        defaultIdentity: FEDERATED,
        customerManagedKeyStatus: "Access to the configured customer managed key confirmed.",
      },
    });
  });

  it("customer-managed keys cannot be turned on later for an account with materialized views", async () => {
    const created = await call(
      em.url,
      "PUT",
      ACCOUNT("cosmos-views"),
      isv,
      account(undefined, FEDERATED, { enableMaterializedViews: true }),
    );
    expect(created.status).toBe(200);
    await settle(em, isv, null);
    const r = await call(em.url, "PATCH", ACCOUNT("cosmos-views"), isv, {
      properties: { keyVaultKeyUri: versionless(keys.north ?? ""), defaultIdentity: FEDERATED },
    });
    expect([r.status, r.body.error?.message]).toEqual([
      400,
      "Customer managed keys cannot be enabled on an existing account with materialized views.",
    ]);
  });
});
