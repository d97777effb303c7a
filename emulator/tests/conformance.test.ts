import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunningEmulator } from "../src/server.js";
import { call, installApp, miToken, userToken } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import {
  CMK_SQL_SERVER,
  createKey,
  customerVault,
  grant,
  IDS,
  ISV_RG,
  ROLES,
  serverKeyName,
  storageCmk,
} from "./resource-world.js";

/**
 * Conformance: each emulated ARM and Key Vault operation, answered at the api-version the product pins, checked
 * against the response schema of Azure's published REST specification (github.com/Azure/azure-rest-api-specs,
 * path and version named per test). Only the properties, required fields, enums and status codes the product and
 * its tests rely on are transcribed here — the spec files themselves are not vendored.
 */
const SPEC = "specification";
const ARM_SCOPE = "https://management.azure.com/.default";
const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/conformance`;
let em: RunningEmulator;
let isv = "";
let admin = "";
let kid = "";

/** Common ARM envelope (common-types/resource-management v5 types.json: Resource / TrackedResource). */
const tracked = z.object({
  id: z.string().startsWith("/subscriptions/"),
  name: z.string(),
  type: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()).optional(),
});
const userAssigned = z.record(
  z.string(),
  z.object({ principalId: z.string().uuid(), clientId: z.string().uuid() }),
);
/** common-types managedidentity.json v5 ManagedServiceIdentityType (Storage, Cosmos DB, SQL spell it without a space). */
const identity = z.object({
  type: z.enum(["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"]),
  userAssignedIdentities: userAssigned.optional(),
});
const armError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
/** keyvault.json 2024-11-01 Sku: family A, name standard | premium. */
const vaultSku = z.object({ family: z.enum(["A"]), name: z.enum(["standard", "premium"]) });
/** ManagedIdentity.json 2023-01-31 Identity (UserAssignedIdentityProperties are read-only). */
const userAssignedIdentity = tracked.extend({
  type: z.literal("Microsoft.ManagedIdentity/userAssignedIdentities"),
  properties: z.object({
    tenantId: z.string().uuid(),
    principalId: z.string().uuid(),
    clientId: z.string().uuid(),
  }),
});
/** What a body breaks of a schema: [] when it conforms. */
const issues = (schema: z.ZodType, body: unknown) => schema.safeParse(body).error?.issues ?? [];

async function settle(): Promise<void> {
  em.emu.clock.advance(2);
  await call(em.url, "GET", `${CUST_RG}?api-version=2025-04-01`, admin);
}

beforeAll(async () => {
  em = await startEmulator();
  isv = await miToken(em.url, IDS.appMiClientId, "https://management.azure.com/");
  admin = await userToken(em.url, IDS.contoso, IDS.contosoAdminUpn, ARM_SCOPE);
  const sp = await installApp(em.url, IDS.contoso, IDS.contosoAdminUpn, IDS.cmkAppId);
  const { vaultId } = await customerVault(em.url, admin, {
    rg: CUST_RG,
    vault: "contoso-conformance",
    adminOid: IDS.contosoAdmin,
  });
  const kv = await userToken(em.url, IDS.contoso, IDS.contosoAdminUpn, "https://vault.azure.net/.default");
  kid = await createKey(em.url, kv, "contoso-conformance", "cmk", { kty: "RSA", key_size: 3072 });
  await grant(em.url, admin, `${vaultId}/keys/cmk`, ROLES.serviceEncryptionUser, sp);
});
afterAll(async () => em.close());

describe("[conformance] Microsoft.Resources and Microsoft.Authorization reads", () => {
  it(`${SPEC}/resources/resource-manager/Microsoft.Resources/stable/2025-04-01/resources.json: ResourceGroups_CreateOrUpdate (location required) and ResourceGroups_Get → ResourceGroup`, async () => {
    const rg = `/subscriptions/${IDS.contosoSub}/resourceGroups/conformance-rg?api-version=2025-04-01`;
    const missing = await call(em.url, "PUT", rg, admin, {});
    expect(missing.status).toBe(400);
    expect(armError.safeParse(missing.body).success).toBe(true);
    const created = await call(em.url, "PUT", rg, admin, { location: "westeurope", tags: { env: "test" } });
    expect(created.status).toBe(201);
    const r = await call(em.url, "GET", rg, admin);
    expect(r.status).toBe(200);
    const group = z.object({
      id: z.literal(`/subscriptions/${IDS.contosoSub}/resourceGroups/conformance-rg`),
      name: z.literal("conformance-rg"),
      type: z.literal("Microsoft.Resources/resourceGroups"),
      location: z.literal("westeurope"),
      tags: z.object({ env: z.literal("test") }),
      properties: z.object({ provisioningState: z.string() }),
    });
    expect(issues(group, r.body)).toEqual([]);
  });

  it(`${SPEC}/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json: Subscriptions_Get → Subscription`, async () => {
    const r = await call(em.url, "GET", `/subscriptions/${IDS.contosoSub}?api-version=2022-12-01`, admin);
    expect(r.status).toBe(200);
    const subscription = z.object({
      id: z.literal(`/subscriptions/${IDS.contosoSub}`),
      subscriptionId: z.literal(IDS.contosoSub),
      tenantId: z.literal(IDS.contoso),
      displayName: z.string(),
      state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]),
    });
    expect(issues(subscription, r.body)).toEqual([]);
  });

  it(`${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json: RoleDefinitions_Get and RoleDefinitions_List ($filter=roleName) → RoleDefinition`, async () => {
    const base = `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions`;
    const definition = z.object({
      id: z
        .string()
        .endsWith(`/providers/Microsoft.Authorization/roleDefinitions/${ROLES.serviceEncryptionUser}`),
      name: z.literal(ROLES.serviceEncryptionUser),
      type: z.literal("Microsoft.Authorization/roleDefinitions"),
      properties: z.object({
        roleName: z.literal("Key Vault Crypto Service Encryption User"),
        type: z.enum(["BuiltInRole", "CustomRole"]),
        permissions: z.array(
          z.object({
            actions: z.array(z.string()),
            notActions: z.array(z.string()),
            dataActions: z.array(z.string()),
            notDataActions: z.array(z.string()),
          }),
        ),
        assignableScopes: z.array(z.string()),
      }),
    });
    const one = await call(
      em.url,
      "GET",
      `${base}/${ROLES.serviceEncryptionUser}?api-version=2022-04-01`,
      admin,
    );
    expect(one.status).toBe(200);
    expect(issues(definition, one.body)).toEqual([]);
    const list = await call(
      em.url,
      "GET",
      `${base}?$filter=${encodeURIComponent("roleName eq 'Key Vault Crypto Service Encryption User'")}&api-version=2022-04-01`,
      admin,
    );
    expect(list.status).toBe(200);
    expect(issues(z.object({ value: z.array(definition).length(1) }), list.body)).toEqual([]);
  });
});

describe("[conformance] Microsoft.KeyVault/vaults", () => {
  it(`${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json: Vaults_Get → Vault`, async () => {
    const r = await call(
      em.url,
      "GET",
      `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-conformance?api-version=2024-11-01`,
      admin,
    );
    expect(r.status).toBe(200);
    const vault = tracked.extend({
      type: z.literal("Microsoft.KeyVault/vaults"),
      properties: z.object({
        tenantId: z.string().uuid(),
        sku: vaultSku,
        vaultUri: z.string().url(),
        enableRbacAuthorization: z.boolean().optional(),
        enableSoftDelete: z.boolean().optional(),
        enablePurgeProtection: z.boolean().optional(),
        softDeleteRetentionInDays: z.number().int().min(7).max(90).optional(),
        provisioningState: z.enum(["Succeeded", "RegisteringDns"]).optional(),
      }),
    });
    expect(issues(vault, r.body)).toEqual([]);
  });

  it(`${SPEC}/keyvault/…/2024-11-01/keyvault.json: Vaults_CreateOrUpdate requires properties.tenantId and sku (400)`, async () => {
    const r = await call(
      em.url,
      "PUT",
      `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-nosku?api-version=2024-11-01`,
      admin,
      { location: "westeurope", properties: { tenantId: IDS.contoso } },
    );
    expect(r.status).toBe(400);
    expect(armError.safeParse(r.body).success).toBe(true);
  });
});

describe("[conformance] Microsoft.ManagedIdentity/userAssignedIdentities", () => {
  it(`${SPEC}/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json: UserAssignedIdentities_Get → Identity`, async () => {
    const r = await call(em.url, "GET", `${IDS.uamiCmk}?api-version=2023-01-31`, isv);
    expect(r.status).toBe(200);
    expect(issues(userAssignedIdentity, r.body)).toEqual([]);
  });
});

describe("[conformance] Microsoft.Authorization/roleAssignments", () => {
  it(`${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json: RoleAssignments_Create → 201 RoleAssignment`, async () => {
    const r = await call(
      em.url,
      "PUT",
      `${CUST_RG}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      admin,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.cryptoOfficer}`,
          principalId: IDS.contosoDev,
          principalType: "User",
        },
      },
    );
    expect(r.status).toBe(201);
    const assignment = z.object({
      id: z.string(),
      name: z.string().uuid(),
      type: z.literal("Microsoft.Authorization/roleAssignments"),
      properties: z.object({
        scope: z.string(),
        roleDefinitionId: z.string(),
        principalId: z.string().uuid(),
        principalType: z.enum(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]),
      }),
    });
    expect(issues(assignment, r.body)).toEqual([]);
  });

  it("…/2022-04-01/authorization-RoleAssignmentsCalls.json: properties.roleDefinitionId and principalId are required (400)", async () => {
    const r = await call(
      em.url,
      "PUT",
      `${CUST_RG}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      admin,
      { properties: { principalId: IDS.contosoDev } },
    );
    expect(r.status).toBe(400);
    expect(armError.safeParse(r.body).success).toBe(true);
  });
});

describe("[conformance] the four CMK resource types", () => {
  const uami = { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } };

  it(`${SPEC}/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json: StorageAccounts_Update → StorageAccount.encryption`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamconform?api-version=2025-06-01`;
    const created = await call(em.url, "PUT", id, isv, {
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      identity: uami,
    });
    expect([200, 202]).toContain(created.status);
    await settle();
    const r = await call(em.url, "PATCH", id, isv, storageCmk("contoso-conformance", "cmk"));
    expect(r.status).toBe(200);
    const account = tracked.extend({
      type: z.literal("Microsoft.Storage/storageAccounts"),
      kind: z.enum(["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"]),
      sku: z.object({ name: z.string() }),
      identity,
      properties: z.object({
        provisioningState: z.enum(["Creating", "ResolvingDNS", "Succeeded"]),
        encryption: z.object({
          keySource: z.enum(["Microsoft.Storage", "Microsoft.Keyvault"]),
          keyvaultproperties: z.object({
            keyname: z.string(),
            keyversion: z.string(),
            keyvaulturi: z.string(),
            currentVersionedKeyIdentifier: z.string(),
          }),
          identity: z.object({
            userAssignedIdentity: z.string(),
            federatedIdentityClientId: z.string().uuid(),
          }),
        }),
      }),
    });
    expect(issues(account, r.body)).toEqual([]);
  });

  it(`${SPEC}/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2025-10-15/cosmos-db.json: DatabaseAccounts_CreateOrUpdate → DatabaseAccountGetResults`, async () => {
    const r = await call(
      em.url,
      "PUT",
      `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/fabrikam-conform?api-version=2025-10-15`,
      isv,
      {
        location: "westeurope",
        identity: uami,
        properties: {
          databaseAccountOfferType: "Standard",
          locations: [{ locationName: "westeurope", failoverPriority: 0 }],
          keyVaultKeyUri: kid.replace(/\/[0-9a-f]{32}$/, ""),
          defaultIdentity: `UserAssignedIdentity=${IDS.uamiCmk}&FederatedClientId=${IDS.cmkAppId}`,
        },
      },
    );
    expect(r.status).toBe(200);
    const account = tracked.extend({
      type: z.literal("Microsoft.DocumentDB/databaseAccounts"),
      kind: z.enum(["GlobalDocumentDB", "MongoDB", "Parse"]),
      identity,
      properties: z.object({
        provisioningState: z.string(),
        databaseAccountOfferType: z.enum(["Standard"]),
        documentEndpoint: z.string().url(),
        keyVaultKeyUri: z.string(),
        defaultIdentity: z.string(),
      }),
    });
    expect(issues(account, r.body)).toEqual([]);
  });

  it(`${SPEC}/compute/resource-manager/Microsoft.Compute/DiskRP/stable/2025-01-02/diskEncryptionSet.json: DiskEncryptionSets_CreateOrUpdate → 202 DiskEncryptionSet`, async () => {
    const r = await call(
      em.url,
      "PUT",
      `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des-conform?api-version=2025-01-02`,
      isv,
      {
        location: "westeurope",
        identity: uami,
        properties: { activeKey: { keyUrl: kid }, federatedClientId: IDS.cmkAppId },
      },
    );
    expect(r.status).toBe(202);
    const des = tracked.extend({
      type: z.literal("Microsoft.Compute/diskEncryptionSets"),
      identity: z.object({
        type: z.enum(["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"]),
        userAssignedIdentities: userAssigned.optional(),
      }),
      properties: z.object({
        encryptionType: z.enum([
          "EncryptionAtRestWithCustomerKey",
          "EncryptionAtRestWithPlatformAndCustomerKeys",
          "ConfidentialVmEncryptedWithCustomerKey",
        ]),
        activeKey: z.object({ keyUrl: z.string().regex(/\/keys\/[^/]+\/[0-9a-f]{32}$/) }),
        federatedClientId: z.string().uuid(),
        provisioningState: z.string(),
      }),
    });
    expect(issues(des, r.body)).toEqual([]);
  });

  it(`${SPEC}/sql/resource-manager/Microsoft.Sql/stable/2023-08-01/ServerKeys.json and EncryptionProtectors.json: ServerKey and EncryptionProtector`, async () => {
    const server = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-conform`;
    const created = await call(em.url, "PUT", `${server}?api-version=2023-08-01`, isv, CMK_SQL_SERVER);
    expect([200, 201, 202]).toContain(created.status);
    await settle();
    const keyName = serverKeyName(kid);
    const key = await call(em.url, "PUT", `${server}/keys/${keyName}?api-version=2023-08-01`, isv, {
      properties: { serverKeyType: "AzureKeyVault", uri: kid },
    });
    expect([200, 201, 202]).toContain(key.status);
    const serverKey = z.object({
      id: z.string(),
      name: z.literal(keyName),
      type: z.literal("Microsoft.Sql/servers/keys"),
      kind: z.string(),
      properties: z.object({
        serverKeyType: z.enum(["ServiceManaged", "AzureKeyVault"]),
        uri: z.string(),
        thumbprint: z.string(),
      }),
    });
    expect(issues(serverKey, key.body)).toEqual([]);
    const protector = await call(
      em.url,
      "GET",
      `${server}/encryptionProtector/current?api-version=2023-08-01`,
      isv,
    );
    const encryptionProtector = z.object({
      id: z.string(),
      name: z.literal("current"),
      type: z.literal("Microsoft.Sql/servers/encryptionProtector"),
      kind: z.string(),
      properties: z.object({
        serverKeyName: z.string(),
        serverKeyType: z.enum(["ServiceManaged", "AzureKeyVault"]),
        autoRotationEnabled: z.boolean(),
      }),
    });
    expect(issues(encryptionProtector, protector.body)).toEqual([]);
  });
});

describe("[conformance] Microsoft.Sql/servers/databases", () => {
  it(`${SPEC}/sql/resource-manager/Microsoft.Sql/stable/2023-08-01/Servers.json and Databases.json: Servers_Get → Server; Databases_CreateOrUpdate (202) → Database with keys and encryptionProtector`, async () => {
    const server = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-conform-db`;
    await call(em.url, "PUT", `${server}?api-version=2023-08-01`, isv, {
      location: "westeurope",
      properties: { administratorLogin: "sqladmin", administratorLoginPassword: "P@ssw0rd-123" },
    });
    await settle();
    // Servers.json 2023-08-01, Servers_Get → Server: the password is write-only (x-ms-secret), never read back.
    const serverBody = await call(em.url, "GET", `${server}?api-version=2023-08-01`, isv);
    expect(serverBody.status).toBe(200);
    const sqlServer = tracked.extend({
      type: z.literal("Microsoft.Sql/servers"),
      properties: z
        .looseObject({
          administratorLogin: z.literal("sqladmin"),
          fullyQualifiedDomainName: z.string(),
          state: z.string(),
          version: z.string(),
        })
        .refine((p) => !("administratorLoginPassword" in p), "administratorLoginPassword is returned"),
    });
    expect(issues(sqlServer, serverBody.body)).toEqual([]);
    const id = `${server}/databases/tenant-1?api-version=2023-08-01`;
    const put = await call(em.url, "PUT", id, isv, {
      location: "westeurope",
      identity: { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } },
      properties: { federatedClientId: IDS.cmkAppId, keys: { [kid]: {} }, encryptionProtector: kid },
    });
    expect(put.status).toBe(202);
    await settle();
    const r = await call(em.url, "GET", id, isv);
    expect(r.status).toBe(200);
    // Database: TrackedResource + DatabaseIdentity (None | UserAssigned) + DatabaseProperties; DatabaseKey is read-only.
    const db = tracked.extend({
      type: z.literal("Microsoft.Sql/servers/databases"),
      identity: z.object({
        type: z.enum(["None", "UserAssigned"]),
        userAssignedIdentities: userAssigned,
      }),
      properties: z.object({
        status: z.enum(["Online", "Creating", "Inaccessible", "Restoring", "Copying", "Scaling"]),
        federatedClientId: z.string().uuid(),
        encryptionProtector: z.literal(kid),
        keys: z.record(
          z.string(),
          z.object({
            type: z.enum(["AzureKeyVault"]),
            thumbprint: z.string(),
            creationDate: z.string().datetime({ offset: true }),
            subregion: z.string(),
          }),
        ),
      }),
    });
    expect(issues(db, r.body)).toEqual([]);
  });
});

describe("[conformance] Key Vault data plane", () => {
  const kv = () => userToken(em.url, IDS.contoso, IDS.contosoAdminUpn, "https://vault.azure.net/.default");
  const path = (p: string) => `/keyvault/contoso-conformance.vault.azure.net${p}?api-version=7.6`;
  const attributes = z.object({
    enabled: z.boolean(),
    created: z.number().int(),
    updated: z.number().int(),
    recoveryLevel: z.enum([
      "Purgeable",
      "Recoverable+Purgeable",
      "Recoverable",
      "Recoverable+ProtectedSubscription",
      "CustomizedRecoverable+Purgeable",
      "CustomizedRecoverable",
      "CustomizedRecoverable+ProtectedSubscription",
    ]),
    recoverableDays: z.number().int().optional(),
  });

  it(`${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/7.6/keys.json: GetKey → KeyBundle`, async () => {
    const r = await call(em.url, "GET", path("/keys/cmk"), await kv());
    expect(r.status).toBe(200);
    const bundle = z.object({
      key: z.object({
        kid: z.string().regex(/^https:\/\/[^/]+\/keys\/cmk\/[0-9a-f]{32}$/),
        kty: z.enum(["EC", "EC-HSM", "RSA", "RSA-HSM", "oct", "oct-HSM"]),
        key_ops: z.array(
          z.enum(["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"]),
        ),
        n: z.string(),
        e: z.string(),
      }),
      attributes,
    });
    expect(issues(bundle, r.body)).toEqual([]);
  });

  it("…/7.6/keys.json: WrapKey → KeyOperationResult; KeyVaultError envelope on failure", async () => {
    const token = await kv();
    const wrapped = await call(em.url, "POST", path(`/keys/cmk/${kid.split("/").pop()}/wrapkey`), token, {
      alg: "RSA-OAEP-256",
      value: Buffer.alloc(32, 1).toString("base64url"),
    });
    expect(wrapped.status).toBe(200);
    expect(
      issues(z.object({ kid: z.literal(kid), value: z.string().regex(/^[A-Za-z0-9_-]+$/) }), wrapped.body),
    ).toEqual([]);
    const missing = await call(em.url, "GET", path("/keys/no-such-key"), token);
    expect(missing.status).toBe(404);
    expect(
      z
        .object({ error: z.object({ code: z.literal("KeyNotFound"), message: z.string() }) })
        .safeParse(missing.body).success,
    ).toBe(true);
  });

  const bundle = z.object({
    key: z.object({
      kid: z.string().regex(/^https:\/\/contoso-conformance\.vault\.azure\.net\/keys\/ops\/[0-9a-f]{32}$/),
      kty: z.enum(["EC", "EC-HSM", "RSA", "RSA-HSM", "oct", "oct-HSM"]),
      key_ops: z.array(z.string()),
      n: z.string().regex(/^[A-Za-z0-9_-]+$/),
      e: z.string().regex(/^[A-Za-z0-9_-]+$/),
    }),
    attributes,
    tags: z.record(z.string(), z.string()).optional(),
  });
  const deleted = bundle.extend({
    recoveryId: z.literal("https://contoso-conformance.vault.azure.net/deletedkeys/ops"),
    scheduledPurgeDate: z.number().int(),
    deletedDate: z.number().int(),
  });
  // KeyListResult: `nextLink` is a string in the spec; the service (and the emulator) send null on the last page.
  const keyList = z.object({
    value: z.array(
      z.object({
        kid: z.string().startsWith("https://contoso-conformance.vault.azure.net/keys/"),
        attributes,
        tags: z.record(z.string(), z.string()).optional(),
        managed: z.boolean().optional(),
      }),
    ),
    nextLink: z.string().nullable().optional(),
  });

  it("…/7.6/keys.json: CreateKey (kty required) → KeyBundle, UpdateKey, RotateKey, GetKeyVersions, GetKeys", async () => {
    const token = await kv();
    const noKty = await call(em.url, "POST", path("/keys/ops/create"), token, { key_size: 2048 });
    expect(noKty.status).toBe(400);
    expect(noKty.body.error?.code).toBe("BadParameter");
    const created = await call(em.url, "POST", path("/keys/ops/create"), token, {
      kty: "RSA",
      key_size: 2048,
    });
    expect(created.status).toBe(200);
    expect(issues(bundle, created.body)).toEqual([]);
    const version = String((created.body as { key: { kid: string } }).key.kid)
      .split("/")
      .pop();
    const updated = await call(em.url, "PATCH", path(`/keys/ops/${version}`), token, {
      attributes: { enabled: true },
      tags: { purpose: "conformance" },
    });
    expect(updated.status).toBe(200);
    expect(
      issues(bundle.extend({ tags: z.object({ purpose: z.literal("conformance") }) }), updated.body),
    ).toEqual([]);
    const rotated = await call(em.url, "POST", path("/keys/ops/rotate"), token);
    expect(rotated.status).toBe(200);
    expect(issues(bundle, rotated.body)).toEqual([]);
    const versions = await call(em.url, "GET", path("/keys/ops/versions"), token);
    expect(versions.status).toBe(200);
    expect(issues(keyList, versions.body)).toEqual([]);
    expect((versions.body as { value: unknown[] }).value).toHaveLength(2);
    const keys = await call(em.url, "GET", path("/keys"), token);
    expect(keys.status).toBe(200);
    expect(issues(keyList, keys.body)).toEqual([]);
  });

  it("…/7.6/keys.json: DeleteKey → DeletedKeyBundle, GetDeletedKey → DeletedKeyBundle, RecoverDeletedKey → KeyBundle; UnwrapKey → KeyOperationResult", async () => {
    const token = await kv();
    const gone = await call(em.url, "DELETE", path("/keys/ops"), token);
    expect(gone.status).toBe(200);
    expect(issues(deleted, gone.body)).toEqual([]);
    const read = await call(em.url, "GET", path("/deletedkeys/ops"), token);
    expect(read.status).toBe(200);
    expect(issues(deleted, read.body)).toEqual([]);
    const back = await call(em.url, "POST", path("/deletedkeys/ops/recover"), token);
    expect(back.status).toBe(200);
    expect(issues(bundle, back.body)).toEqual([]);
    const version = kid.split("/").pop();
    const wrapped = await call(em.url, "POST", path(`/keys/cmk/${version}/wrapkey`), token, {
      alg: "RSA-OAEP-256",
      value: Buffer.alloc(32, 7).toString("base64url"),
    });
    const unwrapped = await call(em.url, "POST", path(`/keys/cmk/${version}/unwrapkey`), token, {
      alg: "RSA-OAEP-256",
      value: (wrapped.body as { value: string }).value,
    });
    expect(unwrapped.status).toBe(200);
    expect(
      issues(
        z.object({ kid: z.literal(kid), value: z.literal(Buffer.alloc(32, 7).toString("base64url")) }),
        unwrapped.body,
      ),
    ).toEqual([]);
  });
});

describe("[conformance] reads and updates the product makes after a write", () => {
  it(`${SPEC}/resources/resource-manager/Microsoft.Resources/subscriptions/stable/2022-12-01/subscriptions.json: Subscriptions_List → SubscriptionListResult (value required; nextLink a URI, only while more pages follow)`, async () => {
    const r = await call(em.url, "GET", "/subscriptions?api-version=2022-12-01", admin);
    expect(r.status).toBe(200);
    const list = z
      .object({
        value: z.array(
          z.object({
            id: z.string().startsWith("/subscriptions/"),
            subscriptionId: z.string().uuid(),
            tenantId: z.string().uuid(),
            displayName: z.string(),
            state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]),
          }),
        ),
        nextLink: z.string().url().optional(),
      })
      .strict();
    expect(issues(list, r.body)).toEqual([]);
    expect((r.body.value as { subscriptionId: string }[]).map((s) => s.subscriptionId)).toEqual([
      IDS.contosoSub,
    ]);
  });

  it(`${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json: RoleAssignments_Get (200), RoleAssignments_Delete (200 with the assignment, then 204)`, async () => {
    const id = `${CUST_RG}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`;
    const created = await call(em.url, "PUT", id, admin, {
      properties: {
        roleDefinitionId: `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.serviceEncryptionUser}`,
        principalId: IDS.contosoDev,
        principalType: "User",
      },
    });
    expect(created.status).toBe(201);
    const assignment = z.object({
      id: z.string().includes("/providers/Microsoft.Authorization/roleAssignments/"),
      name: z.string().uuid(),
      type: z.literal("Microsoft.Authorization/roleAssignments"),
      properties: z.object({
        scope: z.string(),
        roleDefinitionId: z.string(),
        principalId: z.string().uuid(),
        principalType: z.enum(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]),
      }),
    });
    const got = await call(em.url, "GET", id, admin);
    expect(got.status).toBe(200);
    expect(issues(assignment, got.body)).toEqual([]);
    const deleted = await call(em.url, "DELETE", id, admin);
    expect(deleted.status).toBe(200);
    expect(issues(assignment, deleted.body)).toEqual([]);
    expect((await call(em.url, "DELETE", id, admin)).status).toBe(204);
    const gone = await call(em.url, "GET", id, admin);
    expect(gone.status).toBe(404);
    expect(armError.safeParse(gone.body).success).toBe(true);
  });

  it(`${SPEC}/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json: StorageAccounts_GetProperties → StorageAccount with the key it was given`, async () => {
    const r = await call(
      em.url,
      "GET",
      `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamconform?api-version=2025-06-01`,
      isv,
    );
    expect(r.status).toBe(200);
    const account = tracked.extend({
      type: z.literal("Microsoft.Storage/storageAccounts"),
      kind: z.enum(["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"]),
      sku: z.object({ name: z.string() }),
      identity,
      properties: z.object({
        provisioningState: z.enum(["Creating", "ResolvingDNS", "Succeeded"]),
        encryption: z.object({
          keySource: z.literal("Microsoft.Keyvault"),
          keyvaultproperties: z.object({
            keyname: z.literal("cmk"),
            keyvaulturi: z.string().url(),
            currentVersionedKeyIdentifier: z.string(),
          }),
          identity: z.object({
            userAssignedIdentity: z.string(),
            federatedIdentityClientId: z.string().uuid(),
          }),
        }),
      }),
    });
    expect(issues(account, r.body)).toEqual([]);
  });

  it(`${SPEC}/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2025-10-15/cosmos-db.json: DatabaseAccounts_Get, DatabaseAccounts_Update (200 + Azure-AsyncOperation); the status URL answers OperationStatusResult (common-types/resource-management/v5/types.json, status required)`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/fabrikam-conform?api-version=2025-10-15`;
    await settle();
    const account = tracked.extend({
      type: z.literal("Microsoft.DocumentDB/databaseAccounts"),
      kind: z.enum(["GlobalDocumentDB", "MongoDB", "Parse"]),
      identity,
      properties: z.object({
        provisioningState: z.string(),
        databaseAccountOfferType: z.enum(["Standard"]),
        documentEndpoint: z.string().url(),
        keyVaultKeyUri: z.string().regex(/\/keys\/cmk$/),
        keyVaultKeyUriVersion: z.string().regex(/^[0-9a-f]{32}$/),
        customerManagedKeyStatus: z.string(),
        defaultIdentity: z.string(),
      }),
    });
    const updated = await call(em.url, "PATCH", id, isv, { tags: { env: "conformance" } });
    expect(updated.status).toBe(200);
    const statusUrl = updated.headers.get("azure-asyncoperation") ?? "";
    expect(statusUrl).toMatch(
      /^https:\/\/.+\/providers\/Microsoft\.DocumentDB\/locations\/[^/]+\/operationsStatus\/[^?]+\?api-version=2025-10-15$/,
    );
    const operation = z.object({
      id: z.string().optional(),
      name: z.string().optional(),
      status: z.string(),
      percentComplete: z.number().min(0).max(100).optional(),
      startTime: z.string().datetime({ offset: true }).optional(),
      endTime: z.string().datetime({ offset: true }).optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    });
    const running = await call(em.url, "GET", statusUrl.replace(em.url, ""), isv);
    expect(running.status).toBe(200);
    expect(issues(operation, running.body)).toEqual([]);
    await settle();
    const done = await call(em.url, "GET", statusUrl.replace(em.url, ""), isv);
    expect(
      issues(operation.extend({ status: z.literal("Succeeded"), endTime: z.string() }), done.body),
    ).toEqual([]);
    const got = await call(em.url, "GET", id, isv);
    expect(got.status).toBe(200);
    expect(issues(account.extend({ tags: z.object({ env: z.literal("conformance") }) }), got.body)).toEqual(
      [],
    );
  });

  it(`${SPEC}/compute/resource-manager/Microsoft.Compute/DiskRP/stable/2025-01-02/diskEncryptionSet.json: DiskEncryptionSets_Get (200) and DiskEncryptionSets_Update (202 with the set)`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des-conform?api-version=2025-01-02`;
    await settle();
    const des = tracked.extend({
      type: z.literal("Microsoft.Compute/diskEncryptionSets"),
      identity: z.object({
        type: z.enum(["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"]),
        userAssignedIdentities: userAssigned.optional(),
      }),
      properties: z.object({
        encryptionType: z.enum([
          "EncryptionAtRestWithCustomerKey",
          "EncryptionAtRestWithPlatformAndCustomerKeys",
          "ConfidentialVmEncryptedWithCustomerKey",
        ]),
        activeKey: z.object({ keyUrl: z.string().regex(/\/keys\/[^/]+\/[0-9a-f]{32}$/) }),
        federatedClientId: z.string().uuid(),
        rotationToLatestKeyVersionEnabled: z.boolean().optional(),
        provisioningState: z.string(),
      }),
    });
    const got = await call(em.url, "GET", id, isv);
    expect(got.status).toBe(200);
    expect(issues(des, got.body)).toEqual([]);
    const updated = await call(em.url, "PATCH", id, isv, {
      properties: { rotationToLatestKeyVersionEnabled: true },
    });
    expect(updated.status).toBe(202);
    expect(
      issues(
        des.extend({
          properties: des.shape.properties.extend({ rotationToLatestKeyVersionEnabled: z.literal(true) }),
        }),
        updated.body,
      ),
    ).toEqual([]);
  });

  it(`${SPEC}/sql/resource-manager/Microsoft.Sql/stable/2023-08-01/ServerKeys.json and EncryptionProtectors.json: ServerKeys_Get (200), EncryptionProtectors_CreateOrUpdate (202, then the protector)`, async () => {
    const server = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-conform`;
    const keyName = serverKeyName(kid);
    const key = await call(em.url, "GET", `${server}/keys/${keyName}?api-version=2023-08-01`, isv);
    expect(key.status).toBe(200);
    const serverKey = z.object({
      id: z.string().endsWith(`/keys/${keyName}`),
      name: z.literal(keyName),
      type: z.literal("Microsoft.Sql/servers/keys"),
      kind: z.string(),
      properties: z.object({
        serverKeyType: z.enum(["ServiceManaged", "AzureKeyVault"]),
        uri: z.literal(kid),
        thumbprint: z.string(),
        creationDate: z.string().datetime({ offset: true }).optional(),
      }),
    });
    expect(issues(serverKey, key.body)).toEqual([]);
    const put = await call(
      em.url,
      "PUT",
      `${server}/encryptionProtector/current?api-version=2023-08-01`,
      isv,
      {
        properties: { serverKeyType: "AzureKeyVault", serverKeyName: keyName, autoRotationEnabled: false },
      },
    );
    expect([200, 202]).toContain(put.status);
    await settle();
    const protector = await call(
      em.url,
      "GET",
      `${server}/encryptionProtector/current?api-version=2023-08-01`,
      isv,
    );
    const encryptionProtector = z.object({
      id: z.string().endsWith("/encryptionProtector/current"),
      name: z.literal("current"),
      type: z.literal("Microsoft.Sql/servers/encryptionProtector"),
      kind: z.string(),
      properties: z.object({
        serverKeyName: z.literal(keyName),
        serverKeyType: z.literal("AzureKeyVault"),
        autoRotationEnabled: z.literal(false),
      }),
    });
    expect(issues(encryptionProtector, protector.body)).toEqual([]);
  });

  it(`${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/7.6/keys.json: Encrypt and Decrypt → KeyOperationResult; WrapKey with the {key-version} segment left out answers for the current version`, async () => {
    const token = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://vault.azure.net/.default",
    );
    const path = (p: string) => `/keyvault/contoso-conformance.vault.azure.net${p}?api-version=7.6`;
    const result = z.object({ kid: z.literal(kid), value: z.string().regex(/^[A-Za-z0-9_-]+$/) });
    const plain = Buffer.from("conformance").toString("base64url");
    const version = kid.split("/").pop();
    const encrypted = await call(em.url, "POST", path(`/keys/cmk/${version}/encrypt`), token, {
      alg: "RSA-OAEP-256",
      value: plain,
    });
    expect(encrypted.status).toBe(200);
    expect(issues(result, encrypted.body)).toEqual([]);
    const decrypted = await call(em.url, "POST", path(`/keys/cmk/${version}/decrypt`), token, {
      alg: "RSA-OAEP-256",
      value: encrypted.body.value,
    });
    expect(decrypted.status).toBe(200);
    expect(issues(result.extend({ value: z.literal(plain) }), decrypted.body)).toEqual([]);
    const versionless = await call(em.url, "POST", path("/keys/cmk/wrapkey"), token, {
      alg: "RSA-OAEP-256",
      value: Buffer.alloc(32, 2).toString("base64url"),
    });
    expect(versionless.status).toBe(200);
    expect(issues(result, versionless.body)).toEqual([]);
  });
});

describe("[conformance] the remaining operations: existence, updates, lists, deletes, LRO results", () => {
  const RES = `${SPEC}/resources/resource-manager/Microsoft.Resources/stable/2025-04-01/resources.json`;
  const SQL = `${SPEC}/sql/resource-manager/Microsoft.Sql/stable/2023-08-01`;
  const resourceGroup = z.object({
    id: z.string().startsWith(`/subscriptions/${IDS.contosoSub}/resourceGroups/`),
    name: z.string(),
    type: z.literal("Microsoft.Resources/resourceGroups"),
    location: z.string(),
    tags: z.record(z.string(), z.string()).optional(),
    properties: z.object({ provisioningState: z.string() }),
  });
  const path = (url: string) => url.replace(em.url, "");
  /**
   * A Location-style operation result (ARM async operation guidance, "Location" pattern; each spec's
   * x-ms-long-running-operation): while running, 202 with Location and Retry-After; once done, 200 with the
   * result or 204 without one.
   */
  async function locationResult(location: string, token: string) {
    expect(location).toMatch(/^https:\/\/.+\?(monitor=true&)?api-version=/);
    const running = await call(em.url, "GET", path(location), token);
    expect(running.status).toBe(202);
    expect(running.headers.get("location")).toBe(location);
    expect(Number(running.headers.get("retry-after"))).toBeGreaterThan(0);
    await settle();
    const done = await call(em.url, "GET", path(location), token);
    expect([200, 204]).toContain(done.status);
    return done;
  }

  it(`${RES}: ResourceGroups_CheckExistence (HEAD) → 204 when the group exists, 404 when it does not`, async () => {
    const base = `/subscriptions/${IDS.contosoSub}/resourceGroups`;
    const there = await call(em.url, "HEAD", `${base}/conformance?api-version=2025-04-01`, admin);
    expect(there.status).toBe(204);
    const missing = await call(em.url, "HEAD", `${base}/no-such-group?api-version=2025-04-01`, admin);
    expect(missing.status).toBe(404);
  });

  it(`${RES}: ResourceGroups_Update (PATCH, ResourceGroupPatchable) → 200 ResourceGroup; an unknown group → 404`, async () => {
    const rg = `/subscriptions/${IDS.contosoSub}/resourceGroups/conformance-patch?api-version=2025-04-01`;
    expect((await call(em.url, "PUT", rg, admin, { location: "westeurope" })).status).toBe(201);
    const r = await call(em.url, "PATCH", rg, admin, { tags: { owner: "conformance" } });
    expect(r.status).toBe(200);
    expect(
      issues(
        resourceGroup.extend({
          name: z.literal("conformance-patch"),
          location: z.literal("westeurope"),
          tags: z.object({ owner: z.literal("conformance") }),
        }),
        r.body,
      ),
    ).toEqual([]);
    const missing = await call(
      em.url,
      "PATCH",
      `/subscriptions/${IDS.contosoSub}/resourceGroups/no-such-group?api-version=2025-04-01`,
      admin,
      { tags: {} },
    );
    expect(missing.status).toBe(404);
    expect(armError.safeParse(missing.body).success).toBe(true);
  });

  it(`${RES}: ResourceGroups_List → ResourceGroupListResult`, async () => {
    const r = await call(
      em.url,
      "GET",
      `/subscriptions/${IDS.contosoSub}/resourcegroups?api-version=2025-04-01`,
      admin,
    );
    expect(r.status).toBe(200);
    const list = z.object({ value: z.array(resourceGroup), nextLink: z.string().url().optional() }).strict();
    expect(issues(list, r.body)).toEqual([]);
    expect((r.body.value as { name: string }[]).map((g) => g.name)).toContain("conformance");
  });

  it(`${RES}: Resources_ListByResourceGroup and Resources_List ($filter=resourceType) → ResourceListResult of GenericResourceExpanded`, async () => {
    const generic = z.object({
      id: z.string().startsWith("/subscriptions/"),
      name: z.string(),
      type: z.string(),
      location: z.string(),
      tags: z.record(z.string(), z.string()).optional(),
      kind: z.string().optional(),
      sku: z.object({ name: z.string() }).optional(),
    });
    const list = z.object({ value: z.array(generic), nextLink: z.string().url().optional() }).strict();
    const byGroup = await call(em.url, "GET", `${CUST_RG}/resources?api-version=2025-04-01`, admin);
    expect(byGroup.status).toBe(200);
    expect(issues(list, byGroup.body)).toEqual([]);
    expect((byGroup.body.value as { name: string }[]).map((r) => r.name)).toContain("contoso-conformance");
    const filter = encodeURIComponent("resourceType eq 'Microsoft.KeyVault/vaults'");
    const bySub = await call(
      em.url,
      "GET",
      `/subscriptions/${IDS.contosoSub}/resources?$filter=${filter}&api-version=2025-04-01`,
      admin,
    );
    expect(bySub.status).toBe(200);
    expect(issues(list, bySub.body)).toEqual([]);
    const types = (bySub.body.value as { type: string }[]).map((r) => r.type);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(["Microsoft.KeyVault/vaults"]));
  });

  it(`${SPEC}/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json: UserAssignedIdentities_ListBySubscription → UserAssignedIdentitiesListResult`, async () => {
    const r = await call(
      em.url,
      "GET",
      `/subscriptions/${IDS.isvSub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`,
      isv,
    );
    expect(r.status).toBe(200);
    expect(
      issues(
        z.object({ value: z.array(userAssignedIdentity), nextLink: z.string().url().optional() }).strict(),
        r.body,
      ),
    ).toEqual([]);
    expect((r.body.value as { id: string }[]).map((u) => u.id.toLowerCase())).toContain(
      IDS.uamiCmk.toLowerCase(),
    );
  });

  it(`${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json: Vaults_Update (PATCH, VaultPatchParameters) → 200 Vault; sku.name outside its enum → 400`, async () => {
    const id = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-conformance?api-version=2024-11-01`;
    const r = await call(em.url, "PATCH", id, admin, { properties: { enabledForDiskEncryption: true } });
    expect(r.status).toBe(200);
    const vault = tracked.extend({
      type: z.literal("Microsoft.KeyVault/vaults"),
      properties: z.object({
        tenantId: z.literal(IDS.contoso),
        sku: vaultSku,
        vaultUri: z.string().url(),
        enabledForDiskEncryption: z.literal(true),
        enableRbacAuthorization: z.literal(true),
        enableSoftDelete: z.literal(true),
        enablePurgeProtection: z.literal(true),
        provisioningState: z.enum(["Succeeded", "RegisteringDns"]),
      }),
    });
    expect(issues(vault, r.body)).toEqual([]);
    const bad = await call(em.url, "PATCH", id, admin, {
      properties: { sku: { family: "A", name: "gold" } },
    });
    expect(bad.status).toBe(400);
    expect(armError.safeParse(bad.body).success).toBe(true);
    const after = await call(em.url, "GET", id, admin);
    expect((after.body.properties as { sku: { name: string } }).sku.name).toBe("standard");
  });

  it("…/2024-11-01/keyvault.json: Vaults_Delete → 200, then 204 (no such vault)", async () => {
    const id = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-conf-del?api-version=2024-11-01`;
    const created = await call(em.url, "PUT", id, admin, {
      location: "westeurope",
      properties: { tenantId: IDS.contoso, sku: { family: "A", name: "standard" } },
    });
    expect(created.status).toBe(201);
    const deleted = await call(em.url, "DELETE", id, admin);
    expect(deleted.status).toBe(200);
    expect((await call(em.url, "DELETE", id, admin)).status).toBe(204);
    expect((await call(em.url, "GET", id, admin)).status).toBe(404);
  });

  it(`${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json: RoleAssignments_ListForScope ($filter=atScope(), principalId eq) → RoleAssignmentListResult`, async () => {
    const assignment = z.object({
      id: z.string().includes("/providers/Microsoft.Authorization/roleAssignments/"),
      name: z.string().uuid(),
      type: z.literal("Microsoft.Authorization/roleAssignments"),
      properties: z.object({
        scope: z.string(),
        roleDefinitionId: z.string().includes("/providers/Microsoft.Authorization/roleDefinitions/"),
        principalId: z.string().uuid(),
        principalType: z.enum(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]),
      }),
    });
    const list = z.object({ value: z.array(assignment), nextLink: z.string().url().optional() }).strict();
    const base = `${CUST_RG}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`;
    const atScope = await call(em.url, "GET", `${base}&$filter=${encodeURIComponent("atScope()")}`, admin);
    expect(atScope.status).toBe(200);
    expect(issues(list, atScope.body)).toEqual([]);
    const mine = await call(
      em.url,
      "GET",
      `${base}&$filter=${encodeURIComponent(`principalId eq '${IDS.contosoAdmin}'`)}`,
      admin,
    );
    expect(mine.status).toBe(200);
    expect(issues(list, mine.body)).toEqual([]);
    const principals = (mine.body.value as { properties: { principalId: string } }[]).map(
      (a) => a.properties.principalId,
    );
    expect(principals.length).toBeGreaterThan(0);
    expect(new Set(principals)).toEqual(new Set([IDS.contosoAdmin]));
  });

  it(`${SPEC}/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json: StorageAccounts_Create (sku, kind, location required) → 202 + Location; the Location URL answers 202, then 200 StorageAccount; StorageAccounts_Delete → 200, then 204`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamconflro?api-version=2025-06-01`;
    for (const body of [
      { location: "westeurope", kind: "StorageV2" },
      { location: "westeurope", sku: { name: "Standard_LRS" } },
    ]) {
      const refused = await call(em.url, "PUT", id, isv, body);
      expect(refused.status).toBe(400);
      expect(armError.safeParse(refused.body).success).toBe(true);
    }
    const created = await call(em.url, "PUT", id, isv, {
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({});
    const done = await locationResult(created.headers.get("location") ?? "", isv);
    expect(done.status).toBe(200);
    const account = tracked.extend({
      name: z.literal("fabrikamconflro"),
      type: z.literal("Microsoft.Storage/storageAccounts"),
      kind: z.literal("StorageV2"),
      sku: z.object({ name: z.literal("Standard_LRS") }),
      properties: z.object({
        provisioningState: z.literal("Succeeded"),
        encryption: z.object({ keySource: z.literal("Microsoft.Storage") }),
      }),
    });
    expect(issues(account, done.body)).toEqual([]);
    expect((await call(em.url, "DELETE", id, isv)).status).toBe(200);
    expect((await call(em.url, "DELETE", id, isv)).status).toBe(204);
    expect((await call(em.url, "GET", id, isv)).status).toBe(404);
  });

  it(`${SPEC}/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2025-10-15/cosmos-db.json: DatabaseAccounts_Delete → 202 + Location + Azure-AsyncOperation (LRO), then 204 (no such account)`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/fabrikam-conf-del?api-version=2025-10-15`;
    const created = await call(em.url, "PUT", id, isv, {
      location: "westeurope",
      properties: {
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: "westeurope", failoverPriority: 0 }],
      },
    });
    expect(created.status).toBe(200);
    await settle();
    const deleted = await call(em.url, "DELETE", id, isv);
    expect(deleted.status).toBe(202);
    const statusUrl = deleted.headers.get("azure-asyncoperation") ?? "";
    expect(statusUrl).toMatch(
      /^https:\/\/.+\/providers\/Microsoft\.DocumentDB\/locations\/[^/]+\/operationsStatus\/[^?]+\?api-version=2025-10-15$/,
    );
    expect(deleted.headers.get("location")).toMatch(/^https:\/\/.+\?api-version=2025-10-15$/);
    const running = await call(em.url, "GET", path(statusUrl), isv);
    expect(running.status).toBe(200);
    expect(running.body.status).toBe("InProgress");
    await settle();
    const done = await call(em.url, "GET", path(statusUrl), isv);
    expect(done.body.status).toBe("Succeeded");
    expect((await call(em.url, "GET", id, isv)).status).toBe(404);
    expect((await call(em.url, "DELETE", id, isv)).status).toBe(204);
  });

  it(`${SPEC}/compute/resource-manager/Microsoft.Compute/DiskRP/stable/2025-01-02/diskEncryptionSet.json: DiskEncryptionSets_Delete → 200 (or 202 + Location), then 204`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.Compute/diskEncryptionSets/des-conform?api-version=2025-01-02`;
    await settle();
    const deleted = await call(em.url, "DELETE", id, isv);
    expect([200, 202]).toContain(deleted.status);
    if (deleted.status === 202) await locationResult(deleted.headers.get("location") ?? "", isv);
    expect((await call(em.url, "GET", id, isv)).status).toBe(404);
    expect((await call(em.url, "DELETE", id, isv)).status).toBe(204);
  });

  it(`${SQL}/Servers.json: Servers_CreateOrUpdate → 202 + Location, the result a Server; Servers_Update (PATCH) → 202 + Location, then the updated Server`, async () => {
    const id = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-conf-srv?api-version=2023-08-01`;
    const server = tracked.extend({
      name: z.literal("fabrikam-conf-srv"),
      type: z.literal("Microsoft.Sql/servers"),
      kind: z.string(),
      identity: z.object({ type: z.literal("UserAssigned"), userAssignedIdentities: userAssigned }),
      properties: z
        .looseObject({
          administratorLogin: z.literal("sqladmin"),
          version: z.string(),
          state: z.string(),
          fullyQualifiedDomainName: z.literal("fabrikam-conf-srv.database.windows.net"),
          primaryUserAssignedIdentityId: z.string(),
          federatedClientId: z.string().uuid(),
        })
        .refine((p) => !("administratorLoginPassword" in p), "administratorLoginPassword is returned"),
    });
    const created = await call(em.url, "PUT", id, isv, CMK_SQL_SERVER);
    expect(created.status).toBe(202);
    const result = await locationResult(created.headers.get("location") ?? "", isv);
    expect(result.status).toBe(200);
    expect(issues(server, result.body)).toEqual([]);
    const patched = await call(em.url, "PATCH", id, isv, { tags: { env: "conformance" } });
    expect([200, 202]).toContain(patched.status);
    const final =
      patched.status === 202 ? await locationResult(patched.headers.get("location") ?? "", isv) : patched;
    expect(final.status).toBe(200);
    expect(issues(server.extend({ tags: z.object({ env: z.literal("conformance") }) }), final.body)).toEqual(
      [],
    );
  });

  it(`${SQL}/Databases.json and DatabaseEncryptionProtectorRevert.json: Databases_Update (PATCH) → 202, then the Database; DatabaseEncryptionProtectors_Revert (POST …/encryptionProtector/current/revert) → 202 + Location only, final state via Location`, async () => {
    const db = `${ISV_RG}/providers/Microsoft.Sql/servers/fabrikam-conform-db/databases/tenant-2`;
    const put = await call(em.url, "PUT", `${db}?api-version=2023-08-01`, isv, {
      location: "westeurope",
      identity: { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } },
      properties: { federatedClientId: IDS.cmkAppId, keys: { [kid]: {} }, encryptionProtector: kid },
    });
    expect(put.status).toBe(202);
    await settle();
    const patched = await call(em.url, "PATCH", `${db}?api-version=2023-08-01`, isv, {
      tags: { env: "conformance" },
    });
    expect([200, 202]).toContain(patched.status);
    const updated =
      patched.status === 202 ? await locationResult(patched.headers.get("location") ?? "", isv) : patched;
    expect(updated.status).toBe(200);
    const database = tracked.extend({
      name: z.literal("tenant-2"),
      type: z.literal("Microsoft.Sql/servers/databases"),
      tags: z.object({ env: z.literal("conformance") }),
      properties: z.looseObject({
        status: z.enum(["Online", "Creating", "Inaccessible", "Restoring", "Copying", "Scaling"]),
        encryptionProtector: z.literal(kid),
      }),
    });
    expect(issues(database, updated.body)).toEqual([]);
    const reverted = await call(
      em.url,
      "POST",
      `${db}/encryptionProtector/current/revert?api-version=2023-08-01`,
      isv,
    );
    expect(reverted.status).toBe(202);
    expect(reverted.headers.get("azure-asyncoperation")).toBeNull();
    const done = await locationResult(reverted.headers.get("location") ?? "", isv);
    expect([200, 204]).toContain(done.status);
    const after = await call(em.url, "GET", `${db}?api-version=2023-08-01`, isv);
    expect(after.body.properties).toMatchObject({ encryptionProtector: null });
    const again = await call(
      em.url,
      "POST",
      `${db}/encryptionProtector/current/revert?api-version=2023-08-01`,
      isv,
    );
    expect(again.status).toBe(400);
    expect(again.body.error?.code).toBe("DatabaseLevelEncryptionProtectorDoesNotExist");
  });

  it("ARM async operations (Location pattern): an unknown operation id answers 404 with the ARM error envelope", async () => {
    const r = await call(
      em.url,
      "GET",
      `/subscriptions/${IDS.isvSub}/providers/Microsoft.Storage/locations/westeurope/asyncoperations/${randomUUID()}?monitor=true&api-version=2025-06-01`,
      isv,
    );
    expect(r.status).toBe(404);
    expect(armError.safeParse(r.body).success).toBe(true);
  });

  it("GET /metadata/endpoints?api-version=2022-09-01 (no REST spec documents it: checked against the fields Azure CLI and the Azure SDKs read)", async () => {
    const r = await call(em.url, "GET", "/metadata/endpoints?api-version=2022-09-01");
    expect(r.status).toBe(200);
    const cloud = z.object({
      name: z.string(),
      portal: z.string().url(),
      resourceManager: z.literal(`${em.url}/`),
      authentication: z.object({
        loginEndpoint: z.string().url(),
        audiences: z.array(z.string().url()).min(1),
        tenant: z.string(),
        identityProvider: z.string(),
      }),
      graph: z.string().url(),
      microsoftGraphResourceId: z.string().url(),
      suffixes: z.object({
        keyVaultDns: z.literal("vault.azure.net"),
        mhsmDns: z.literal("managedhsm.azure.net"),
        storage: z.string(),
        sqlServerHostname: z.string(),
      }),
    });
    expect(issues(z.array(cloud).length(1), r.body)).toEqual([]);
  });

  it(`${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/7.4/admin/rbac.json: RoleDefinitions_Get on a Managed HSM → RoleDefinition (type, RoleType, RoleScope and DataAction enums); an unknown id → 404`, async () => {
    const token = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://managedhsm.azure.net/.default",
    );
    const seu = "33413926-3206-4cdd-b39a-83574fe37a17";
    const url = (id: string) =>
      `/keyvault/mhsm-contoso.managedhsm.azure.net/providers/Microsoft.Authorization/roleDefinitions/${id}?api-version=7.4`;
    const r = await call(em.url, "GET", url(seu), token);
    expect(r.status).toBe(200);
    const dataAction = z.enum([
      "Microsoft.KeyVault/managedHsm/keys/read/action",
      "Microsoft.KeyVault/managedHsm/keys/write/action",
      "Microsoft.KeyVault/managedHsm/keys/deletedKeys/read/action",
      "Microsoft.KeyVault/managedHsm/keys/deletedKeys/recover/action",
      "Microsoft.KeyVault/managedHsm/keys/backup/action",
      "Microsoft.KeyVault/managedHsm/keys/restore/action",
      "Microsoft.KeyVault/managedHsm/keys/encrypt/action",
      "Microsoft.KeyVault/managedHsm/keys/decrypt/action",
      "Microsoft.KeyVault/managedHsm/keys/wrap/action",
      "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
      "Microsoft.KeyVault/managedHsm/keys/sign/action",
      "Microsoft.KeyVault/managedHsm/keys/verify/action",
      "Microsoft.KeyVault/managedHsm/keys/create",
      "Microsoft.KeyVault/managedHsm/keys/delete",
    ]);
    const definition = z.object({
      id: z.literal(`Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${seu}`),
      name: z.literal(seu),
      type: z.literal("Microsoft.Authorization/roleDefinitions"),
      properties: z.object({
        roleName: z.literal("Managed HSM Crypto Service Encryption User"),
        description: z.string(),
        type: z.enum(["AKVBuiltInRole", "CustomRole"]),
        permissions: z.array(
          z.object({
            actions: z.array(z.string()),
            notActions: z.array(z.string()),
            dataActions: z.array(dataAction).min(1),
            notDataActions: z.array(dataAction),
          }),
        ),
        assignableScopes: z.array(z.enum(["/", "/keys"])),
      }),
    });
    expect(issues(definition, r.body)).toEqual([]);
    const missing = await call(em.url, "GET", url(randomUUID()), token);
    expect(missing.status).toBe(404);
    expect(
      z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(missing.body)
        .success,
    ).toBe(true);
  });

  it(`${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/managedHsm.json: ManagedHsms_Get → ManagedHsm (sku, ManagedHsmProperties, securityDomainProperties.activationStatus)`, async () => {
    const r = await call(
      em.url,
      "GET",
      `/subscriptions/${IDS.contosoSub}/resourceGroups/rg-contoso-keys/providers/Microsoft.KeyVault/managedHSMs/mhsm-contoso?api-version=2023-07-01`,
      admin,
    );
    expect(r.status).toBe(200);
    const hsm = tracked.extend({
      name: z.literal("mhsm-contoso"),
      type: z.literal("Microsoft.KeyVault/managedHSMs"),
      sku: z.object({
        family: z.enum(["B", "C"]),
        name: z.enum(["Standard_B1", "Custom_B32", "Custom_B6", "Custom_C42", "Custom_C10"]),
      }),
      properties: z.object({
        tenantId: z.literal(IDS.contoso),
        initialAdminObjectIds: z.array(z.string().uuid()).min(1),
        hsmUri: z.string().url(),
        enableSoftDelete: z.boolean(),
        softDeleteRetentionInDays: z.number().int().min(7).max(90),
        enablePurgeProtection: z.boolean(),
        publicNetworkAccess: z.enum(["Enabled", "Disabled"]),
        provisioningState: z.enum([
          "Succeeded",
          "Provisioning",
          "Failed",
          "Updating",
          "Deleting",
          "Activated",
          "SecurityDomainRestore",
          "Restoring",
        ]),
        securityDomainProperties: z.object({
          activationStatus: z.enum(["Active", "NotActivated", "Unknown", "Failed"]),
          activationStatusMessage: z.string(),
        }),
      }),
    });
    expect(issues(hsm, r.body)).toEqual([]);
  });

  it(`${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/managedHsm.json: ManagedHsms_CreateOrUpdate (sku and its enums, tenantId, initialAdminObjectIds) → 202 + Location with the ManagedHsm; the result Succeeded but NotActivated, whose data plane serves nothing`, async () => {
    const id = `${CUST_RG}/providers/Microsoft.KeyVault/managedHSMs/contoso-conf-hsm?api-version=2023-07-01`;
    const body = {
      location: "westeurope",
      sku: { family: "B", name: "Standard_B1" },
      properties: {
        tenantId: IDS.contoso,
        initialAdminObjectIds: [IDS.contosoAdmin],
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
      },
    };
    for (const wrong of [
      { ...body, sku: undefined },
      { ...body, sku: { family: "B", name: "Premium_B9" } },
      { ...body, properties: { ...body.properties, initialAdminObjectIds: [] } },
      { ...body, properties: { ...body.properties, tenantId: undefined } },
    ]) {
      const refused = await call(em.url, "PUT", id, admin, wrong);
      expect(refused.status).toBe(400);
      expect(armError.safeParse(refused.body).success).toBe(true);
    }
    expect((await call(em.url, "GET", id, admin)).status).toBe(404);
    const hsm = tracked.extend({
      name: z.literal("contoso-conf-hsm"),
      type: z.literal("Microsoft.KeyVault/managedHSMs"),
      sku: z.object({ family: z.literal("B"), name: z.literal("Standard_B1") }),
      properties: z.object({
        tenantId: z.literal(IDS.contoso),
        initialAdminObjectIds: z.tuple([z.literal(IDS.contosoAdmin)]),
        hsmUri: z.literal("https://contoso-conf-hsm.managedhsm.azure.net/"),
        enableSoftDelete: z.literal(true),
        softDeleteRetentionInDays: z.literal(90),
        enablePurgeProtection: z.literal(true),
        provisioningState: z.enum(["Provisioning", "Succeeded"]),
        securityDomainProperties: z.object({
          activationStatus: z.literal("NotActivated"),
          activationStatusMessage: z.string(),
        }),
      }),
    });
    const inState = (state: string) =>
      hsm.extend({ properties: hsm.shape.properties.extend({ provisioningState: z.literal(state) }) });
    const created = await call(em.url, "PUT", id, admin, body);
    expect(created.status).toBe(202);
    expect(issues(inState("Provisioning"), created.body)).toEqual([]);
    const done = await locationResult(created.headers.get("location") ?? "", admin);
    expect(done.status).toBe(200);
    expect(issues(inState("Succeeded"), done.body)).toEqual([]);
    const got = await call(em.url, "GET", id, admin);
    expect(issues(hsm, got.body)).toEqual([]);
    const taken = await call(
      em.url,
      "PUT",
      `/subscriptions/${IDS.contosoSub}/resourceGroups/conformance-patch/providers/Microsoft.KeyVault/managedHSMs/contoso-conf-hsm?api-version=2023-07-01`,
      admin,
      body,
    );
    expect(taken.status).toBe(409);
    const hsmToken = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://managedhsm.azure.net/.default",
    );
    const key = await call(
      em.url,
      "POST",
      "/keyvault/contoso-conf-hsm.managedhsm.azure.net/keys/k/create?api-version=7.6",
      hsmToken,
      { kty: "RSA-HSM", key_size: 3072 },
    );
    expect(key.status).toBe(403);
    expect(key.body.error?.message).toMatch(/not activated/);
  });
});
