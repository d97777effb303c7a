import { describe, expect, it } from "vitest";
import { getCmkModule } from "../../../lib/cmk";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import { planCosmosAccountWithKey } from "../../../lib/cmk/provision-cosmos-account";
import { APP, input, key, SUB, UAMI, V } from "./fixtures";

describe("[cmk] the exact ARM requests per resource type", () => {
  it("Storage: one PATCH with lower-case keyvaultproperties and the federated client, keeping a system identity", () => {
    const [step] = getCmkModule("STORAGE_ACCOUNT").plan(
      input(`${SUB}/Microsoft.Storage/storageAccounts/st`, {
        body: { identity: { type: "SystemAssigned" } },
      }),
    );
    expect(step).toMatchObject({ method: "PATCH", apiVersion: "2025-06-01" });
    expect(step!.body).toEqual({
      identity: { type: "SystemAssigned,UserAssigned", userAssignedIdentities: { [UAMI]: {} } },
      properties: {
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyvaultproperties: { keyname: "cmk", keyvaulturi: "https://kv.vault.azure.net", keyversion: "" },
          identity: { userAssignedIdentity: UAMI, federatedIdentityClientId: APP },
          services: {
            blob: { enabled: true, keyType: "Account" },
            file: { enabled: true, keyType: "Account" },
          },
        },
      },
    });
  });

  it("Cosmos DB: the versionless URI even when a version was handed over, and the federated defaultIdentity", () => {
    const [step] = getCmkModule("COSMOS_DB_ACCOUNT").plan(
      input(`${SUB}/Microsoft.DocumentDB/databaseAccounts/c`, { key: { keyVersion: V } }),
    );
    expect(step!.body.properties).toEqual({
      keyVaultKeyUri: "https://kv.vault.azure.net/keys/cmk",
      defaultIdentity: `UserAssignedIdentity=${UAMI}&FederatedClientId=${APP}`,
    });
    const create = planCosmosAccountWithKey({
      id: `${SUB}/Microsoft.DocumentDB/databaseAccounts/new`,
      location: "westeurope",
      key: key({ keyVersion: V }),
      identity: { uamiResourceId: UAMI, federatedClientId: APP },
    });
    expect(create).toMatchObject({
      method: "PUT",
      body: {
        properties: {
          keyVaultKeyUri: "https://kv.vault.azure.net/keys/cmk",
          databaseAccountOfferType: "Standard",
        },
      },
    });
  });

  it("Cosmos DB with continuous backup or analytical store: identity, then defaultIdentity, then the key alone (Learn: existing accounts)", () => {
    const id = `${SUB}/Microsoft.DocumentDB/databaseAccounts/c`;
    const federated = `UserAssignedIdentity=${UAMI}&FederatedClientId=${APP}`;
    for (const properties of [{ backupPolicy: { type: "Continuous" } }, { enableAnalyticalStorage: true }]) {
      const steps = getCmkModule("COSMOS_DB_ACCOUNT").plan(input(id, { body: { properties } }));
      expect(steps.map((s) => [s.method, s.body])).toEqual([
        ["PATCH", { identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } } }],
        ["PATCH", { properties: { defaultIdentity: federated } }],
        ["PATCH", { properties: { keyVaultKeyUri: "https://kv.vault.azure.net/keys/cmk" } }],
      ]);
    }
    // Already on a customer key: a change of key is one PATCH, as for any account.
    const rekey = getCmkModule("COSMOS_DB_ACCOUNT").plan(
      input(id, {
        body: {
          properties: {
            backupPolicy: { type: "Continuous" },
            keyVaultKeyUri: "https://old.vault.azure.net/keys/k",
          },
        },
      }),
    );
    expect(rekey).toHaveLength(1);
  });

  it("Disk encryption set: a versioned keyUrl, with automatic rotation when the customer gave a versionless URI", () => {
    const [auto] = getCmkModule("DISK_ENCRYPTION_SET").plan(
      input(`${SUB}/Microsoft.Compute/diskEncryptionSets/d`),
    );
    expect(auto!.body.properties).toEqual({
      activeKey: { keyUrl: `https://kv.vault.azure.net/keys/cmk/${V}` },
      federatedClientId: APP,
      encryptionType: "EncryptionAtRestWithCustomerKey",
      rotationToLatestKeyVersionEnabled: true,
    });
    const [pinned] = getCmkModule("DISK_ENCRYPTION_SET").plan(
      input(`${SUB}/Microsoft.Compute/diskEncryptionSets/d`, { key: { keyVersion: V } }),
    );
    expect(
      (pinned!.body.properties as { rotationToLatestKeyVersionEnabled: boolean })
        .rotationToLatestKeyVersionEnabled,
    ).toBe(false);
    expect(getCmkModule("DISK_ENCRYPTION_SET").check({ ...input("x"), cloudName: "usgov" })[0]?.code).toBe(
      "CrossTenantNotAvailable",
    );
  });

  it("SQL: identity first, then the server key named {vault}_{key}_{version}, then the protector, in that order", () => {
    const steps = getCmkModule("SQL_SERVER").plan(input(`${SUB}/Microsoft.Sql/servers/s`));
    expect(steps.map((s) => `${s.method} ${s.id.split("/servers/s")[1] || "(server)"}`)).toEqual([
      "PATCH (server)",
      `PUT /keys/kv_cmk_${V}`,
      "PUT /encryptionProtector/current",
    ]);
    expect(steps[0]!.body.properties).toEqual({
      primaryUserAssignedIdentityId: UAMI,
      federatedClientId: APP,
    });
    expect(steps[1]!.body.properties).toEqual({
      serverKeyType: "AzureKeyVault",
      uri: `https://kv.vault.azure.net/keys/cmk/${V}`,
    });
    expect(steps[2]!.body.properties).toEqual({
      serverKeyType: "AzureKeyVault",
      serverKeyName: `kv_cmk_${V}`,
      autoRotationEnabled: true,
    });
    expect(getCmkModule("SQL_SERVER").check(input("x", { key: { keySize: 4096 } }))[0]?.code).toBe(
      "KeySizeNotSupported",
    );
    expect(getCmkModule("STORAGE_ACCOUNT").check(input("x", { key: { keyType: "EC" } }))[0]?.code).toBe(
      "KeyTypeNotSupported",
    );
  });
});

describe("[cmk] reading back what a resource really uses", () => {
  const k = key();
  it("Storage: Microsoft-managed, applied with the version in use, drifted to another key, pending", () => {
    const m = getCmkModule("STORAGE_ACCOUNT");
    expect(m.observe({ properties: { encryption: { keySource: "Microsoft.Storage" } } }).state).toBe(
      "MICROSOFT_MANAGED",
    );
    const applied = m.observe(
      {
        properties: {
          encryption: {
            keySource: "Microsoft.Keyvault",
            keyvaultproperties: {
              keyname: "cmk",
              keyvaulturi: "https://kv.vault.azure.net/",
              currentVersionedKeyIdentifier: `https://kv.vault.azure.net/keys/cmk/${V}`,
            },
          },
        },
      },
      k,
    );
    expect(applied).toMatchObject({ state: "APPLIED", keyVersion: V });
    expect(
      m.observe(
        {
          properties: {
            encryption: {
              keySource: "Microsoft.Keyvault",
              keyvaultproperties: { keyname: "other", keyvaulturi: "https://kv.vault.azure.net/" },
            },
          },
        },
        k,
      ).state,
    ).toBe("DRIFTED");
    expect(m.observe({ properties: { provisioningState: "Updating" } }).state).toBe("PENDING");
  });

  it("Cosmos DB: revoked access reads as failed, with Azure's status kept", () => {
    const status =
      "Access to your account is currently revoked because the current default identity no longer has permission to the associated Key Vault key (4002).";
    const observed = getCmkModule("COSMOS_DB_ACCOUNT").observe(
      {
        properties: {
          keyVaultKeyUri: "https://kv.vault.azure.net/keys/cmk",
          customerManagedKeyStatus: status,
        },
      },
      k,
    );
    expect(observed).toMatchObject({ state: "FAILED", azureStatus: status });
  });

  it("SQL: the encryption protector tells", () => {
    const m = getCmkModule("SQL_SERVER");
    expect(m.observeId!("/x")).toEqual({ id: "/x/encryptionProtector/current", apiVersion: "2023-08-01" });
    expect(m.observe({ properties: { serverKeyType: "ServiceManaged" } }).state).toBe("MICROSOFT_MANAGED");
    expect(
      m.observe(
        {
          properties: {
            serverKeyType: "AzureKeyVault",
            serverKeyName: `kv_cmk_${V}`,
            uri: `https://kv.vault.azure.net/keys/cmk/${V}`,
          },
        },
        k,
      ),
    ).toMatchObject({ state: "APPLIED", keyVersion: V });
  });
});

describe("[cmk] Azure's errors in words", () => {
  it.each([
    ["LinkedAuthorizationFailed", /Managed Identity Operator/],
    ["KeyVaultPolicyError", /purge protection/],
    ["KeyVaultAuthenticationFailure", /role assignment on their key/],
    ["AzureKeyVaultRsaKeyNotSupported", /RSA 3072/],
    ["SubscriptionRequestsThrottled", /waits as long as Azure asks/],
  ])("%s", (code, todo) => {
    const explained = explainCmkError({ code, message: "…" }, "STORAGE_ACCOUNT");
    expect(explained.todo).toMatch(todo);
    expect(explained.azureCode).toBe(code);
  });
});
