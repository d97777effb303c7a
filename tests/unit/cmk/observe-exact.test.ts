import { describe, expect, it } from "vitest";
import { getCmkModule } from "../../../lib/cmk";
import { sqlServerKeyName } from "../../../lib/cmk/sql-server";
import { AppError } from "../../../lib/errors";
import { input, key, SUB, V, V2 } from "./fixtures";

const KV = "https://kv.vault.azure.net";
const versionless = key();
const pinned = key({ keyVersion: V });

describe("[cmk] read-back, word for word: Cosmos DB", () => {
  const m = getCmkModule("COSMOS_DB_ACCOUNT");
  const account = (p: Record<string, unknown>) => ({ properties: p });

  it("applied: Azure's status is the detail when it gives one; otherwise the key", () => {
    expect(
      m.observe(
        account({ keyVaultKeyUri: `${KV}/keys/cmk`, keyVaultKeyUriVersion: V2.toUpperCase() }),
        pinned,
      ),
    ).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk`,
      keyVersion: V2,
      detail: `Encrypted with ${KV}/keys/cmk.`,
      azureStatus: undefined,
    });
  });

  it("pending while Azure encrypts in the background, with the status so far", () => {
    expect(
      m.observe(
        account({
          provisioningState: "Updating",
          keyVaultKeyUri: `${KV}/keys/cmk`,
          customerManagedKeyStatus: "Encrypting",
        }),
      ),
    ).toEqual({
      state: "PENDING",
      keyUri: `${KV}/keys/cmk`,
      keyVersion: null,
      detail: "Azure is still applying the key (background encryption).",
      azureStatus: "Encrypting",
    });
  });

  it("revoked access without a sub-status code still fails, and says so", () => {
    expect(
      m.observe(account({ keyVaultKeyUri: `${KV}/keys/cmk`, customerManagedKeyStatus: "Access REVOKED." })),
    ).toEqual({
      state: "FAILED",
      keyUri: `${KV}/keys/cmk`,
      keyVersion: null,
      detail: "Cosmos DB has lost access to the customer's key: Access REVOKED.",
      azureStatus: "Access REVOKED.",
    });
    expect(
      m.observe(account({ keyVaultKeyUri: `${KV}/keys/cmk`, customerManagedKeyStatus: "revoked (4002)." }))
        .detail,
    ).toBe("Cosmos DB has lost access to the customer's key (code 4002): revoked (4002).");
  });

  it("another key is drift with Azure's status kept; a pinned version does not matter to Cosmos DB", () => {
    expect(
      m.observe(
        account({ keyVaultKeyUri: "https://other.vault.azure.net/keys/cmk", customerManagedKeyStatus: "ok" }),
        versionless,
      ),
    ).toEqual({
      state: "DRIFTED",
      keyUri: "https://other.vault.azure.net/keys/cmk",
      keyVersion: null,
      detail: "Uses https://other.vault.azure.net/keys/cmk, not the customer's key.",
      azureStatus: "ok",
    });
    expect(
      m.observe(account({ keyVaultKeyUri: `${KV}/keys/cmk`, keyVaultKeyUriVersion: V2 }), pinned).state,
    ).toBe("APPLIED");
    expect(m.observe(account({}), versionless)).toEqual({
      state: "MICROSOFT_MANAGED",
      keyUri: null,
      keyVersion: null,
      detail: "Encrypted with Microsoft-managed keys.",
    });
  });

  it("every field read back is checked", () => {
    for (const p of [
      { keyVaultKeyUri: 1 },
      { keyVaultKeyUriVersion: 1 },
      { customerManagedKeyStatus: [] },
      { defaultIdentity: 2 },
      { enableAnalyticalStorage: "yes" },
      { enableMaterializedViews: "yes" },
      { backupPolicy: { type: 1 } },
      { capabilities: [{ name: 1 }] },
      { provisioningState: 1 },
    ])
      expect(() => m.observe(account(p))).toThrow(AppError);
  });

  it("account limits are read case-insensitively, and a body it cannot read has none", () => {
    const codes = (body: unknown) =>
      m.check(input(`${SUB}/Microsoft.DocumentDB/databaseAccounts/c`, { body })).map((p) => p.code);
    expect(
      codes({
        properties: { backupPolicy: { type: "CONTINUOUS" }, capabilities: [{ name: "enablecassandra" }] },
      }),
    ).toEqual(["CassandraNotSupported"]);
    expect(
      codes({ properties: { enableAnalyticalStorage: false, capabilities: [{ name: "EnableTable" }] } }),
    ).toEqual([]);
    expect(codes({ properties: "unreadable" })).toEqual([]);
    const [problem] = m.check(input(`${SUB}/x`, { body: { properties: { enableMaterializedViews: true } } }));
    expect(problem!.message).toBe(
      "The account has materialized views, with which a customer-managed key cannot be turned on for an existing account.",
    );
  });

  it("has no way back, and says why", () => {
    expect(m.planRevert(input(`${SUB}/x`))).toEqual([]);
    expect(m.revertNote).toMatch(/cannot go back to Microsoft-managed keys/);
    expect(m.plan(input(`${SUB}/x`))[0]!.description).toBe(
      "Encrypt the Cosmos DB account with the customer's key cmk (versionless: Cosmos DB follows new versions). Azure re-encrypts in the background; this cannot be undone.",
    );
  });
});

describe("[cmk] read-back, word for word: disk encryption sets", () => {
  const m = getCmkModule("DISK_ENCRYPTION_SET");
  const des = (p: Record<string, unknown>) => ({
    properties: { activeKey: { keyUrl: `${KV}/keys/cmk/${V}` }, ...p },
  });

  it("applied, with re-encryption and stopped rotation told only when they happen", () => {
    expect(m.observe(des({}), pinned)).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk/${V}`,
      keyVersion: V,
      detail: `Active key ${KV}/keys/cmk/${V}.`,
      azureStatus: undefined,
    });
    expect(m.observe(des({ previousKeys: [] }), pinned).detail).toBe(`Active key ${KV}/keys/cmk/${V}.`);
    expect(m.observe(des({ autoKeyRotationError: { code: "KeyVaultAccessForbidden" } }), pinned).detail).toBe(
      `Active key ${KV}/keys/cmk/${V}. Automatic rotation stopped: KeyVaultAccessForbidden`,
    );
    expect(m.observe(des({ previousKeys: [{}] }), pinned).detail).toBe(
      `Active key ${KV}/keys/cmk/${V}. Disks are still being re-encrypted from the previous key.`,
    );
  });

  it("no active key, a change running, another version than the pinned one", () => {
    expect(m.observe({ properties: {} })).toEqual({
      state: "MICROSOFT_MANAGED",
      keyUri: null,
      keyVersion: null,
      detail: "No active key.",
    });
    expect(m.observe(des({ provisioningState: "Updating" }))).toEqual({
      state: "PENDING",
      keyUri: `${KV}/keys/cmk/${V}`,
      keyVersion: V,
      detail: "Azure is still applying a change.",
    });
    expect(m.observe(des({ activeKey: { keyUrl: `${KV}/keys/cmk/${V2}` } }), pinned).state).toBe("DRIFTED");
    for (const p of [
      { activeKey: { keyUrl: 1 } },
      { previousKeys: "x" },
      { autoKeyRotationError: { code: 1 } },
      { encryptionType: 1 },
    ])
      expect(() => m.observe(des(p))).toThrow(AppError);
  });

  it("plans: the words for a pinned and a rotating key; any set that is not double-encrypted becomes a customer-key set", () => {
    const [rotating] = m.plan(input(`${SUB}/x`));
    expect(rotating!.description).toBe(
      `Point the disk encryption set at the customer's key cmk (today's version ${V}) and let Azure rotate to new versions within an hour.`,
    );
    const [fixed] = m.plan(input(`${SUB}/x`, { key: { keyVersion: V2 } }));
    expect(fixed!.description).toBe(
      `Point the disk encryption set at the customer's key cmk, version ${V2}.`,
    );
    const typeOf = (encryptionType: string) =>
      (
        m.plan(input(`${SUB}/x`, { body: { properties: { encryptionType } } }))[0]!.body.properties as {
          encryptionType: string;
        }
      ).encryptionType;
    expect(typeOf("ConfidentialVmEncryptedWithCustomerKey")).toBe("ConfidentialVmEncryptedWithCustomerKey");
    expect(typeOf("EncryptionAtRestWithPlatformAndCustomerKeys")).toBe(
      "EncryptionAtRestWithPlatformAndCustomerKeys",
    );
    expect(typeOf("EncryptionAtRestWithPlatformKey")).toBe("EncryptionAtRestWithCustomerKey");
    expect(m.planRevert(input(`${SUB}/x`))).toEqual([]);
    expect(m.revertNote).toMatch(/always uses a customer-managed key/);
    expect(m.check(input(`${SUB}/x`, { cloudName: "china" }))).toEqual([
      {
        code: "CrossTenantNotAvailable",
        message: "Cross-tenant customer-managed keys for managed disks are not offered in this cloud.",
      },
    ]);
  });
});

describe("[cmk] read-back, word for word: SQL", () => {
  const m = getCmkModule("SQL_SERVER");
  const protector = (p: Record<string, unknown>) => ({ properties: p });

  it("service-managed, running, applied with or without rotation", () => {
    expect(m.observe(protector({ serverKeyType: "SERVICEMANAGED" }))).toEqual({
      state: "MICROSOFT_MANAGED",
      keyUri: null,
      keyVersion: null,
      detail: "TDE uses a service-managed key.",
    });
    expect(m.observe(protector({ provisioningState: "Updating", uri: `${KV}/keys/cmk/${V}` }))).toEqual({
      state: "PENDING",
      keyUri: `${KV}/keys/cmk/${V}`,
      keyVersion: V,
      detail: "Azure is still changing the TDE protector.",
    });
    const name = sqlServerKeyName({ vaultName: "kv", keyName: "cmk" }, V);
    expect(name).toBe(`kv_cmk_${V}`);
    expect(
      m.observe(
        protector({
          serverKeyType: "AzureKeyVault",
          serverKeyName: name,
          uri: `${KV}/keys/cmk/${V}`,
          autoRotationEnabled: false,
        }),
        pinned,
      ),
    ).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk/${V}`,
      keyVersion: V,
      detail: `TDE protector ${name}.`,
    });
    expect(
      m.observe(
        protector({
          serverKeyType: "AzureKeyVault",
          serverKeyName: name,
          uri: "https://x.vault.azure.net/keys/k",
        }),
        pinned,
      ),
    ).toEqual({
      state: "DRIFTED",
      keyUri: "https://x.vault.azure.net/keys/k",
      keyVersion: null,
      detail: `The TDE protector is ${name}: Uses https://x.vault.azure.net/keys/k, not the customer's key.`,
    });
    for (const p of [
      { serverKeyType: 1 },
      { serverKeyName: 1 },
      { uri: 1 },
      { autoRotationEnabled: "yes" },
      { provisioningState: 1 },
    ])
      expect(() => m.observe(protector(p))).toThrow(AppError);
  });

  it("reads back the encryption protector, and describes each step", () => {
    expect(m.observeId!(`${SUB}/Microsoft.Sql/servers/s`)).toEqual({
      id: `${SUB}/Microsoft.Sql/servers/s/encryptionProtector/current`,
      apiVersion: "2023-08-01",
    });
    expect(m.plan(input(`${SUB}/s`)).map((s) => s.description)).toEqual([
      "Give the server the encryption identity as its primary identity, with the federated client ID of the multi-tenant app.",
      `Register the customer's key cmk (version ${V}) as a server key.`,
      "Make it the TDE protector, with auto-rotation to new versions (within 60 minutes).",
    ]);
    expect(m.plan(input(`${SUB}/s`, { key: { keyVersion: V2 } }))[2]!.description).toBe(
      "Make it the TDE protector.",
    );
    expect(m.planRevert(input(`${SUB}/s`))[0]!.description).toBe(
      "Switch the TDE protector back to a service-managed key.",
    );
  });
});

describe("[cmk] Storage plan words", () => {
  const m = getCmkModule("STORAGE_ACCOUNT");
  it("says whether the account follows new versions or stays on one", () => {
    expect(m.plan(input(`${SUB}/st`))[0]!.description).toBe(
      "Encrypt the storage account with the customer's key cmk, following new versions automatically (checked daily by Storage).",
    );
    expect(m.plan(input(`${SUB}/st`, { key: { keyVersion: V } }))[0]!.description).toBe(
      `Encrypt the storage account with the customer's key cmk, version ${V}, reached through the crosskey-cmk identity.`,
    );
    expect(m.planRevert(input(`${SUB}/st`))[0]!.description).toBe(
      "Switch the storage account back to Microsoft-managed keys.",
    );
  });
});
