import { describe, expect, it } from "vitest";
import { CMK_MODULES, getCmkModule } from "../../../lib/cmk";
import { planCosmosAccountWithKey } from "../../../lib/cmk/provision-cosmos-account";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";
import { APP, IDS, input, OTHER_UAMI, UAMI, V2 } from "./fixtures";

const KINDS = Object.keys(CMK_MODULES) as ResourceKind[];

/** The api-versions the modules pin (docs/azure-contracts.md); changing one is a decision, so it shows here. */
const API_VERSIONS: Record<ResourceKind, string> = {
  STORAGE_ACCOUNT: "2025-06-01",
  COSMOS_DB_ACCOUNT: "2025-10-15",
  DISK_ENCRYPTION_SET: "2025-01-02",
  SQL_SERVER: "2023-08-01",
  SQL_DATABASE: "2023-08-01",
};

describe("[cmk] plan bodies: the exact property paths per type", () => {
  it.each(KINDS)(
    "%s: every request carries the pinned api-version and a sentence for the operator",
    (kind) => {
      const cmk = getCmkModule(kind);
      expect(cmk.apiVersion).toBe(API_VERSIONS[kind]);
      for (const step of cmk.plan(input(IDS[kind]))) {
        expect(step.apiVersion).toBe(API_VERSIONS[kind]);
        expect(step.id.startsWith(IDS[kind])).toBe(true);
        expect(step.description).toMatch(/^[A-Z].+\.$/);
      }
    },
  );

  // A SQL database takes exactly one user-assigned identity (its check refuses a database that has another).
  const KEEPING = KINDS.filter((kind) => kind !== "SQL_DATABASE");
  it.each(KEEPING)(
    "%s: identities already on the resource are kept beside the encryption identity",
    (kind) => {
      const body = {
        identity: {
          type: "SystemAssigned, UserAssigned",
          userAssignedIdentities: { [OTHER_UAMI]: { principalId: "p" } },
        },
      };
      const [first] = getCmkModule(kind).plan(input(IDS[kind], { body }));
      expect(first!.body.identity).toEqual({
        type: "SystemAssigned,UserAssigned",
        userAssignedIdentities: { [OTHER_UAMI]: {}, [UAMI]: {} },
      });
    },
  );

  it("Storage: a pinned version goes into keyversion; the identity block names the UAMI and the app", () => {
    const [step] = getCmkModule("STORAGE_ACCOUNT").plan(
      input(IDS.STORAGE_ACCOUNT, { key: { keyVersion: V2 } }),
    );
    const encryption = (step!.body.properties as { encryption: Record<string, unknown> }).encryption;
    expect(encryption.keyvaultproperties).toEqual({
      keyname: "cmk",
      keyvaulturi: "https://kv.vault.azure.net",
      keyversion: V2,
    });
    expect(encryption.identity).toEqual({ userAssignedIdentity: UAMI, federatedIdentityClientId: APP });
  });

  it("Disk encryption set: a pinned version is used as is, without rotation; double encryption is kept", () => {
    const [pinned] = getCmkModule("DISK_ENCRYPTION_SET").plan(
      input(IDS.DISK_ENCRYPTION_SET, {
        key: { keyVersion: V2 },
        body: { properties: { encryptionType: "EncryptionAtRestWithPlatformAndCustomerKeys" } },
      }),
    );
    expect(pinned!.body.properties).toEqual({
      activeKey: { keyUrl: `https://kv.vault.azure.net/keys/cmk/${V2}` },
      federatedClientId: APP,
      encryptionType: "EncryptionAtRestWithPlatformAndCustomerKeys",
      rotationToLatestKeyVersionEnabled: false,
    });
  });

  it("SQL: a pinned version names the server key and turns auto-rotation off", () => {
    const steps = getCmkModule("SQL_SERVER").plan(input(IDS.SQL_SERVER, { key: { keyVersion: V2 } }));
    expect(steps[1]!.id).toBe(`${IDS.SQL_SERVER}/keys/kv_cmk_${V2}`);
    expect(steps[2]!.body).toEqual({
      properties: {
        serverKeyType: "AzureKeyVault",
        serverKeyName: `kv_cmk_${V2}`,
        autoRotationEnabled: false,
      },
    });
  });

  it("a vault URI with a trailing slash still gives clean key URIs", () => {
    const [step] = getCmkModule("COSMOS_DB_ACCOUNT").plan(
      input(IDS.COSMOS_DB_ACCOUNT, { key: { vaultUri: "https://kv.vault.azure.net/" } }),
    );
    expect((step!.body.properties as { keyVaultKeyUri: string }).keyVaultKeyUri).toBe(
      "https://kv.vault.azure.net/keys/cmk",
    );
  });

  it("a new Cosmos DB account: location, one region, identity and the federated defaultIdentity in one PUT", () => {
    const step = planCosmosAccountWithKey({
      id: `${IDS.COSMOS_DB_ACCOUNT}-new`,
      location: "northeurope",
      key: input("x").key,
      identity: { uamiResourceId: UAMI, federatedClientId: APP },
    });
    expect(step).toMatchObject({ method: "PUT", apiVersion: API_VERSIONS.COSMOS_DB_ACCOUNT });
    expect(step.body).toEqual({
      location: "northeurope",
      kind: "GlobalDocumentDB",
      identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } },
      properties: {
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: "northeurope", failoverPriority: 0, isZoneRedundant: false }],
        keyVaultKeyUri: "https://kv.vault.azure.net/keys/cmk",
        defaultIdentity: `UserAssignedIdentity=${UAMI}&FederatedClientId=${APP}`,
      },
    });
  });
});

describe("[cmk] back to Microsoft-managed keys", () => {
  it("Storage: keySource Microsoft.Storage, services kept on", () => {
    expect(
      getCmkModule("STORAGE_ACCOUNT").planRevert({ resource: { id: IDS.STORAGE_ACCOUNT, body: {} } }),
    ).toEqual([
      expect.objectContaining({
        method: "PATCH",
        body: {
          properties: {
            encryption: {
              keySource: "Microsoft.Storage",
              services: {
                blob: { enabled: true, keyType: "Account" },
                file: { enabled: true, keyType: "Account" },
              },
            },
          },
        },
      }),
    ]);
  });

  it("SQL: the protector back to ServiceManaged", () => {
    const [step] = getCmkModule("SQL_SERVER").planRevert({ resource: { id: IDS.SQL_SERVER, body: {} } });
    expect(step).toMatchObject({
      method: "PUT",
      id: `${IDS.SQL_SERVER}/encryptionProtector/current`,
      body: { properties: { serverKeyType: "ServiceManaged", serverKeyName: "ServiceManaged" } },
    });
  });

  it.each(["COSMOS_DB_ACCOUNT", "DISK_ENCRYPTION_SET"] as const)(
    "%s: not possible, and the module says why",
    (kind) => {
      const cmk = getCmkModule(kind);
      expect(cmk.planRevert({ resource: { id: IDS[kind], body: {} } })).toEqual([]);
      expect(cmk.revertNote).toMatch(/cannot|always/);
    },
  );
});
