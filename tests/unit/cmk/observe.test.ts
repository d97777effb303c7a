import { describe, expect, it } from "vitest";
import { getCmkModule } from "../../../lib/cmk";
import { AppError } from "../../../lib/errors";
import { key, V, V2 } from "./fixtures";

const KV = "https://kv.vault.azure.net";
const versionless = key();
const pinned = key({ keyVersion: V });

describe("[cmk] observe: Storage", () => {
  const m = getCmkModule("STORAGE_ACCOUNT");
  const body = (kv: Record<string, unknown>, provisioningState = "Succeeded") => ({
    properties: {
      provisioningState,
      encryption: { keySource: "Microsoft.Keyvault", keyvaultproperties: kv },
    },
  });

  it("a body without encryption settings is Microsoft-managed", () => {
    expect(m.observe({ properties: {} }).state).toBe("MICROSOFT_MANAGED");
  });

  it("applied, with the version Storage reports in use", () => {
    const observed = m.observe(
      body({ keyname: "cmk", keyvaulturi: `${KV}/`, currentVersionedKeyIdentifier: `${KV}/keys/cmk/${V2}` }),
      versionless,
    );
    expect(observed).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk/${V2}`,
      keyVersion: V2,
      detail: `Encrypted with ${KV}/keys/cmk/${V2}.`,
    });
  });

  it("a version other than the pinned one is drift; a versionless hand-over follows any version", () => {
    const other = body({
      keyname: "cmk",
      keyvaulturi: KV,
      currentVersionedKeyIdentifier: `${KV}/keys/cmk/${V2}`,
    });
    expect(m.observe(other, pinned)).toMatchObject({ state: "DRIFTED", keyVersion: V2 });
    expect(m.observe(other, pinned).detail).toMatch(/not the pinned version/);
    expect(m.observe(other, versionless).state).toBe("APPLIED");
  });

  it("a change still running is pending, with the key it is moving to", () => {
    expect(m.observe(body({ keyname: "cmk", keyvaulturi: KV }, "ResolvingDNS"), versionless)).toMatchObject({
      state: "PENDING",
      keyUri: `${KV}/keys/cmk`,
    });
  });

  it("a body Crosskey cannot read is an Azure error, not 'Microsoft-managed'", () => {
    expect(() => m.observe({ properties: { encryption: "yes" } })).toThrow(AppError);
  });

  it("every field read back is checked: a wrong type anywhere in the key properties is refused", () => {
    for (const kv of [
      { keyname: 7, keyvaulturi: KV },
      { keyname: "cmk", keyvaulturi: ["x"] },
      { keyname: "cmk", keyvaulturi: KV, keyversion: 1 },
      { keyname: "cmk", keyvaulturi: KV, currentVersionedKeyIdentifier: {} },
    ]) {
      expect(() => m.observe(body(kv), versionless)).toThrow(AppError);
    }
    expect(() => m.observe({ properties: { provisioningState: 3 } })).toThrow(AppError);
    expect(() => m.observe({ properties: { encryption: { keySource: 1, keyvaultproperties: {} } } })).toThrow(
      AppError,
    );
    expect(() => m.observe({ properties: { encryption: { keyvaultproperties: "kv" } } })).toThrow(AppError);
  });

  it("without currentVersionedKeyIdentifier the pinned version is read from keyversion, and compared", () => {
    const pinnedBody = body({ keyname: "cmk", keyvaulturi: `${KV}/`, keyversion: V });
    expect(m.observe(pinnedBody, pinned)).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk`,
      keyVersion: V,
      detail: `Encrypted with ${KV}/keys/cmk.`,
    });
    expect(m.observe(body({ keyname: "cmk", keyvaulturi: KV, keyversion: V2 }), pinned)).toMatchObject({
      state: "DRIFTED",
      keyVersion: V2,
    });
    // An empty keyversion means "follow the newest": no version is known yet.
    expect(m.observe(body({ keyname: "cmk", keyvaulturi: KV, keyversion: "" }), versionless)).toMatchObject({
      state: "APPLIED",
      keyVersion: null,
    });
  });

  it("Microsoft-managed says so, with no key; key source names are compared without case", () => {
    expect(
      m.observe({ properties: { encryption: { keySource: "Microsoft.Storage" } } }, versionless),
    ).toEqual({
      state: "MICROSOFT_MANAGED",
      keyUri: null,
      keyVersion: null,
      detail: "Encrypted with Microsoft-managed keys.",
    });
    expect(
      m.observe(
        {
          properties: {
            encryption: {
              keySource: "MICROSOFT.KEYVAULT",
              keyvaultproperties: { keyname: "cmk", keyvaulturi: KV },
            },
          },
        },
        versionless,
      ).state,
    ).toBe("APPLIED");
  });

  it("a change still running says so, with the version it is moving to", () => {
    expect(
      m.observe(
        body(
          { keyname: "cmk", keyvaulturi: KV, currentVersionedKeyIdentifier: `${KV}/keys/cmk/${V2}` },
          "Updating",
        ),
        versionless,
      ),
    ).toEqual({
      state: "PENDING",
      keyUri: `${KV}/keys/cmk/${V2}`,
      keyVersion: V2,
      detail: "Azure is still applying a change.",
    });
    expect(m.observe({ properties: { provisioningState: "Updating" } }, versionless)).toMatchObject({
      state: "PENDING",
      keyUri: null,
    });
  });
});

describe("[cmk] observe: Cosmos DB", () => {
  const m = getCmkModule("COSMOS_DB_ACCOUNT");
  const CONFIRMED = "Access to the configured customer managed key confirmed.";

  it("applied: the version in use is keyVaultKeyUriVersion, the status is Azure's", () => {
    expect(
      m.observe(
        {
          properties: {
            keyVaultKeyUri: `${KV}/keys/cmk`,
            keyVaultKeyUriVersion: V2,
            customerManagedKeyStatus: CONFIRMED,
          },
        },
        pinned,
      ),
    ).toEqual({
      state: "APPLIED",
      keyUri: `${KV}/keys/cmk`,
      keyVersion: V2,
      detail: CONFIRMED,
      azureStatus: CONFIRMED,
    });
  });

  it("revoked (4002) is failed, with the code named in the detail", () => {
    const status =
      "Access to your account is currently revoked because the current default identity no longer has permission to the associated Key Vault key; for more details … (4002).";
    const observed = m.observe({
      properties: { keyVaultKeyUri: `${KV}/keys/cmk`, customerManagedKeyStatus: status },
    });
    expect(observed).toMatchObject({ state: "FAILED", azureStatus: status });
    expect(observed.detail).toMatch(/code 4002/);
  });

  it("another vault's key is drift; Updating is pending; no key is Microsoft-managed", () => {
    expect(
      m.observe({ properties: { keyVaultKeyUri: "https://other.vault.azure.net/keys/cmk" } }, versionless)
        .state,
    ).toBe("DRIFTED");
    expect(
      m.observe({ properties: { provisioningState: "Updating", keyVaultKeyUri: `${KV}/keys/cmk` } }).state,
    ).toBe("PENDING");
    expect(m.observe({ properties: { provisioningState: "Succeeded" } }).state).toBe("MICROSOFT_MANAGED");
  });
});

describe("[cmk] observe: disk encryption sets", () => {
  const m = getCmkModule("DISK_ENCRYPTION_SET");
  const des = (extra: Record<string, unknown> = {}) => ({
    properties: { provisioningState: "Succeeded", activeKey: { keyUrl: `${KV}/keys/cmk/${V}` }, ...extra },
  });

  it("applied with the active key's version; re-encryption and a stopped rotation are told", () => {
    expect(m.observe(des(), pinned)).toMatchObject({ state: "APPLIED", keyVersion: V });
    const busy = m.observe(
      des({
        previousKeys: [{ keyUrl: "x" }],
        autoKeyRotationError: {
          code: "ManagedServiceIdentityNotFound",
          message: "Auto-key rotation was disabled.",
        },
      }),
      versionless,
    );
    expect(busy).toMatchObject({ state: "APPLIED", azureStatus: "ManagedServiceIdentityNotFound" });
    expect(busy.detail).toMatch(/re-encrypted.*Automatic rotation stopped: Auto-key rotation was disabled\./);
  });

  it("the ISV's own key is drift; Updating is pending", () => {
    const platform = { properties: { activeKey: { keyUrl: "https://kv-isv.vault.azure.net/keys/disks" } } };
    expect(m.observe(platform, versionless).state).toBe("DRIFTED");
    expect(m.observe(des({ provisioningState: "Updating" }), versionless).state).toBe("PENDING");
  });
});

describe("[cmk] observe: SQL encryption protector", () => {
  const m = getCmkModule("SQL_SERVER");
  const protector = (version: string) => ({
    properties: {
      serverKeyType: "AzureKeyVault",
      serverKeyName: `kv_cmk_${version}`,
      uri: `${KV}/keys/cmk/${version}`,
      autoRotationEnabled: true,
    },
  });

  it("auto-rotation moving to a newer version is still applied for a versionless hand-over", () => {
    expect(m.observe(protector(V2), versionless)).toMatchObject({
      state: "APPLIED",
      keyVersion: V2,
      detail: `TDE protector kv_cmk_${V2}, rotating automatically.`,
    });
  });

  it("a different version than the pinned one is drift, named by the protector", () => {
    const observed = m.observe(protector(V2), pinned);
    expect(observed.state).toBe("DRIFTED");
    expect(observed.detail).toMatch(new RegExp(`^The TDE protector is kv_cmk_${V2}`));
  });

  it("a missing protector body means service-managed", () => {
    expect(m.observe({}).state).toBe("MICROSOFT_MANAGED");
  });
});
