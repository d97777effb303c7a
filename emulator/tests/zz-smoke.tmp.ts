import Fastify from "fastify";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Clock } from "../src/core/clock.js";
import { Faults } from "../src/core/faults.js";
import { TokenService } from "../src/core/tokens.js";
import { armWorldSchema, createArmService } from "../src/arm/index.js";
import { createKeyVaultService } from "../src/keyvault/index.js";

const clock = new Clock();
const tokens = new TokenService(mkdtempSync(path.join(tmpdir(), "kv-")), clock);
const ISV = "11111111-1111-4111-8111-111111111111", CUST = "c0000000-0000-4000-8000-00000000c001";
const UAMI = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk";
const uami = { id: "x", resourceId: UAMI, name: "crosskey-cmk", clientId: "44444444-4444-4444-8444-444444444444", principalId: "55555555-5555-4555-8555-555555555555", tenantId: ISV, location: "westeurope" };
const SP = "99999999-9999-4999-8999-999999999999";
const emu: any = {
  baseUrl: "https://localhost:8443", clock, faults: new Faults(), tokens,
  settings: { rolePropagationSeconds: 0, armWritesPerSecond: 10, armWriteBurst: 200, lroSeconds: 1 },
  directory: { getUamiByResourceId: (id: string) => id.toLowerCase() === UAMI.toLowerCase() ? uami : undefined, listUamis: () => [uami] },
  federation: { acquireForUami: async (i: any) => ({ ok: true, accessToken: "", claims: { oid: SP, tid: i.tenantId, appid: "22222222-2222-4222-8222-222222222222", iss: `https://sts.windows.net/${i.tenantId}/` } }) },
};
const arm = createArmService(emu), kv = createKeyVaultService(emu);
emu.arm = arm.store; emu.keyVault = kv.store;
const ADMIN = "ad000000-0000-4000-8000-000000000001", APPMI = "77777777-7777-4777-8777-777777777777";
arm.store.reset(armWorldSchema.parse({
  subscriptions: [{ subscriptionId: "aaaaaaaa-0000-4000-8000-000000000001", tenantId: ISV }, { subscriptionId: "aaaaaaaa-0000-4000-8000-00000000c001", tenantId: CUST }],
  resourceGroups: [{ subscriptionId: "aaaaaaaa-0000-4000-8000-000000000001", name: "crosskey-isv", location: "westeurope" }, { subscriptionId: "aaaaaaaa-0000-4000-8000-00000000c001", name: "keys", location: "westeurope" }],
  roleAssignments: [{ scope: "/subscriptions/aaaaaaaa-0000-4000-8000-00000000c001", roleDefinitionId: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", principalId: ADMIN },
    { scope: "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001", roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c", principalId: APPMI, principalType: "ServicePrincipal" },
    { scope: "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001", roleDefinitionId: "f1a07417-d97a-45cb-824c-7a7467783830", principalId: APPMI, principalType: "ServicePrincipal" }],
}));
const app = Fastify();
arm.register(app); kv.register(app);
await app.ready();
const tok = (tid: string, oid: string, aud: string) => tokens.issue({ aud, tid, oid, iss: `https://sts.windows.net/${tid}/`, appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", iat: clock.nowSeconds(), exp: clock.nowSeconds() + 3600 });
const admin = await tok(CUST, ADMIN, "https://management.azure.com/");
const isv = await tok(ISV, APPMI, "https://management.azure.com/");
const call = async (method: string, url: string, t: string | undefined, payload?: unknown) => {
  const r = await app.inject({ method: method as any, url, headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), "content-type": "application/json" }, payload: payload === undefined ? undefined : JSON.stringify(payload) });
  console.log(method, url.split("?")[0].slice(-70), r.statusCode, r.body.slice(0, 300), r.headers.location ?? "");
  return r;
};
const KVID = "/subscriptions/aaaaaaaa-0000-4000-8000-00000000c001/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/contoso-cmk";
await call("PUT", `${KVID}?api-version=2023-07-01`, admin, { location: "westeurope", properties: { tenantId: CUST, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enablePurgeProtection: true } });
await call("PUT", `${KVID}/providers/Microsoft.Authorization/roleAssignments/0e5f5d37-1111-4111-8111-000000000001?api-version=2022-04-01`, admin, { properties: { roleDefinitionId: "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603", principalId: ADMIN, principalType: "User" } });
const kvTok = await tok(CUST, ADMIN, "https://vault.azure.net");
await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/create?api-version=7.6`, undefined, {});
const ck = await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/create?api-version=7.6`, kvTok, { kty: "RSA", key_size: 3072 });
await call("PUT", `${KVID}/keys/cmk/providers/Microsoft.Authorization/roleAssignments/0e5f5d37-1111-4111-8111-000000000002?api-version=2022-04-01`, admin, { properties: { roleDefinitionId: "e147488a-f6f5-4113-8e2d-b22465e65bf6", principalId: SP, principalType: "ServicePrincipal" } });
const SA = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.Storage/storageAccounts/fabrikamdata1";
const put = await call("PUT", `${SA}?api-version=2025-06-01`, isv, { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } } });
await call("GET", put.headers.location!.replace(/^https:\/\/[^/]+/, ""), isv);
clock.advance(2);
await call("GET", put.headers.location!.replace(/^https:\/\/[^/]+/, ""), isv);
await call("PATCH", `${SA}?api-version=2025-06-01`, isv, { properties: { encryption: { keySource: "Microsoft.Keyvault", keyvaultproperties: { keyname: "cmk", keyvaulturi: "https://contoso-cmk.vault.azure.net" }, identity: { userAssignedIdentity: UAMI, federatedIdentityClientId: "22222222-2222-4222-8222-222222222222" } } } });
await call("GET", `/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resources?api-version=2025-04-01&$filter=resourceType eq 'Microsoft.Storage/storageAccounts'`, isv);
const kid = JSON.parse(ck.body).key.kid as string;
const w = await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/${kid.split("/").pop()}/wrapkey?api-version=2025-07-01`, kvTok, { alg: "RSA-OAEP-256", value: Buffer.from("hello").toString("base64url") });
await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/${kid.split("/").pop()}/unwrapkey?api-version=2025-07-01`, kvTok, { alg: "RSA-OAEP-256", value: JSON.parse(w.body).value });
await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/${kid.split("/").pop()}/unwrapkey?api-version=2025-07-01`, await tok(ISV, SP, "https://vault.azure.net"), { alg: "RSA-OAEP-256", value: JSON.parse(w.body).value });
await call("POST", `/keyvault/contoso-cmk.vault.azure.net/keys/cmk/${kid.split("/").pop()}/unwrapkey?api-version=2025-07-01`, await tok(CUST, SP, "https://vault.azure.net"), { alg: "RSA-OAEP-256", value: JSON.parse(w.body).value });
await app.close();
