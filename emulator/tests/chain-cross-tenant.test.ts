import { randomBytes, randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import {
  call,
  credentialFrom,
  IDENTITY_HEADER,
  installApp,
  userToken,
  vaultHttpClient,
} from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { IDS, ISV_RG, ROLES } from "./resource-world.js";

const ARM_SCOPE = "https://management.azure.com/.default";
const CUST_RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/contoso-keys`;
const VAULT_ID = `${CUST_RG}/providers/Microsoft.KeyVault/vaults/contoso-chain`;
const VAULT_URL = "https://contoso-chain.vault.azure.net";
const ACCOUNT = `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/fabrikamchain`;
let em: RunningEmulator;

/** `az login --tenant contoso` for the customer admin: ROPC with the Azure CLI client, per requested scope. */
const customer = () =>
  credentialFrom((scopes, tenant) =>
    userToken(em.url, tenant ?? IDS.contoso, IDS.contosoAdminUpn, scopes[0] ?? ARM_SCOPE),
  );

beforeAll(async () => {
  em = await startEmulator();
  process.env.IDENTITY_ENDPOINT = `${em.url}/msi/token`;
  process.env.IDENTITY_HEADER = IDENTITY_HEADER;
});
afterAll(async () => em.close());

describe("[chain] customer script, then the ISV applies its customer's key", () => {
  let spId = "";
  let keyId = "";
  let serviceRoleId = "";

  it("the customer's script: service principal, vault, key, role for the ISV app", async () => {
    spId = await installApp(em.url, IDS.contoso, IDS.contosoAdminUpn, IDS.cmkAppId);
    const rm = new ResourceManagementClient(customer(), IDS.contosoSub, { endpoint: em.url });
    await rm.resourceGroups.createOrUpdate("contoso-keys", { location: "westeurope" });
    await rm.resources.beginCreateOrUpdateByIdAndWait(VAULT_ID, "2023-07-01", {
      location: "westeurope",
      properties: {
        tenantId: IDS.contoso,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
      },
    });
    // @azure/arm-authorization 9 (core-client generation): `$host` for URLs, explicit ARM scope for tokens.
    const authz = new AuthorizationManagementClient(customer(), IDS.contosoSub, {
      $host: em.url,
      endpoint: em.url,
      credentialScopes: [ARM_SCOPE],
    });
    const roleId = (r: string) =>
      `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions/${r}`;
    await authz.roleAssignments.create(VAULT_ID, randomUUID(), {
      roleDefinitionId: roleId(ROLES.cryptoOfficer),
      principalId: IDS.contosoAdmin,
      principalType: "User",
    });
    const key = await new KeyClient(VAULT_URL, customer(), {
      httpClient: vaultHttpClient(em.url),
    }).createRsaKey("isv-cmk", { keySize: 3072, keyOps: ["wrapKey", "unwrapKey"] });
    keyId = key.id ?? "";
    const assignment = await authz.roleAssignments.create(`${VAULT_ID}/keys/isv-cmk`, randomUUID(), {
      roleDefinitionId: roleId(ROLES.serviceEncryptionUser),
      principalId: spId,
      principalType: "ServicePrincipal",
    });
    serviceRoleId = assignment.id ?? "";
    expect(assignment).toMatchObject({ principalId: spId, scope: `${VAULT_ID}/keys/isv-cmk` });
  });

  it("the ISV app pre-validates the key across tenants: UAMI → federated credential → wrap/unwrap", async () => {
    const mi = new ManagedIdentityCredential({ clientId: IDS.cmkMiClientId });
    const assertion = async () => (await mi.getToken("api://AzureADTokenExchange/.default"))?.token ?? "";
    const cred = new ClientAssertionCredential(IDS.contoso, IDS.cmkAppId, assertion, {
      authorityHost: em.url,
      disableInstanceDiscovery: true,
    });
    const crypto = new CryptographyClient(keyId, cred, { httpClient: vaultHttpClient(em.url) });
    const cek = randomBytes(32);
    const wrapped = await crypto.wrapKey("RSA-OAEP-256", cek);
    expect(Buffer.from((await crypto.unwrapKey("RSA-OAEP-256", wrapped.result)).result).equals(cek)).toBe(
      true,
    );
  });

  it("the ISV sets the customer's key on a storage account, and Azure accepts it", async () => {
    const rm = new ResourceManagementClient(
      new ManagedIdentityCredential({ clientId: IDS.appMiClientId }),
      IDS.isvSub,
      { endpoint: em.url },
    );
    const identity = { type: "UserAssigned" as const, userAssignedIdentities: { [IDS.uamiCmk]: {} } };
    await rm.resources.beginCreateOrUpdateByIdAndWait(
      ACCOUNT,
      "2025-06-01",
      { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, identity },
      { updateIntervalInMs: 100 },
    );
    const updated = await rm.resources.beginUpdateByIdAndWait(ACCOUNT, "2025-06-01", {
      properties: {
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyvaultproperties: { keyname: "isv-cmk", keyvaulturi: VAULT_URL },
          identity: { userAssignedIdentity: IDS.uamiCmk, federatedIdentityClientId: IDS.cmkAppId },
        },
      },
    });
    expect(updated.properties).toMatchObject({
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyvaultproperties: { currentVersionedKeyIdentifier: keyId },
      },
    });
  });

  it("once the customer removes the role, the key is refused and the account records lost access", async () => {
    const admin = await userToken(em.url, IDS.contoso, IDS.contosoAdminUpn, ARM_SCOPE);
    expect((await call(em.url, "DELETE", `${serviceRoleId}?api-version=2022-04-01`, admin)).status).toBe(200);
    const isv = await userToken(em.url, IDS.isvTenant, IDS.isvOpsAdminUpn, ARM_SCOPE);
    const read = await call(em.url, "GET", `${ACCOUNT}?api-version=2025-06-01`, isv);
    expect(read.status).toBe(200);
    expect(em.emu.arm.getResource(ACCOUNT)?.internal.cmk).toMatchObject({ ok: false, reason: "Forbidden" });
    const again = await call(em.url, "PATCH", `${ACCOUNT}?api-version=2025-06-01`, isv, {
      properties: {
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyvaultproperties: { keyname: "isv-cmk", keyvaulturi: VAULT_URL },
          identity: { userAssignedIdentity: IDS.uamiCmk, federatedIdentityClientId: IDS.cmkAppId },
        },
      },
    });
    expect([again.status, again.body.error?.code]).toEqual([400, "KeyVaultAuthenticationFailure"]);
  });
});
