import { randomBytes, randomUUID } from "node:crypto";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, credentialFrom, installApp, userToken, vaultHttpClient } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { grant, IDS } from "./resource-world.js";

/**
 * Managed HSM local RBAC. Spec: github.com/Azure/azure-rest-api-specs,
 * specification/keyvault/data-plane/Microsoft.KeyVault/stable/7.4/admin/rbac.json (RoleAssignments_Create 201,
 * _Get, _Delete 200, _ListForScope, RoleDefinitions_List; RoleAssignment {id, name, type, properties {scope,
 * roleDefinitionId, principalId}}, RoleScope enum "/", "/keys"). Roles: Microsoft Learn, "Local RBAC built-in
 * roles for Managed HSM". The demo world's HSM `mhsm-contoso` has Contoso's admin as its initial administrator.
 */
const HSM_HOST = "mhsm-contoso.managedhsm.azure.net";
const HSM_URL = `https://${HSM_HOST}`;
const HSM_ID = `/subscriptions/${IDS.contosoSub}/resourceGroups/rg-contoso-keys/providers/Microsoft.KeyVault/managedHSMs/mhsm-contoso`;
const HSM_SCOPE = "https://managedhsm.azure.net/.default";
const CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";
const SERVICE_ENCRYPTION_USER = "33413926-3206-4cdd-b39a-83574fe37a17";
const DEF = (id: string) => `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${id}`;

let em: RunningEmulator;
let spId = "";
const adminToken = (scope = HSM_SCOPE) => userToken(em.url, IDS.contoso, IDS.contosoAdminUpn, scope);
const keysAs = (upn: string) =>
  new KeyClient(
    HSM_URL,
    credentialFrom((s) => userToken(em.url, IDS.contoso, upn, s[0] ?? HSM_SCOPE)),
    {
      httpClient: vaultHttpClient(em.url),
    },
  );
/** The ISV app's HSM token in Contoso, as Azure services get it (UAMI → federated credential → customer tenant). */
async function appToken(): Promise<string> {
  const r = await em.emu.federation.acquireForUami({
    uamiResourceId: IDS.uamiCmk,
    federatedClientId: IDS.cmkAppId,
    tenantId: IDS.contoso,
    resource: "https://managedhsm.azure.net",
  });
  if (!r.ok) throw new Error(r.description);
  return r.accessToken;
}
const cryptoAsApp = (kid: string) =>
  new CryptographyClient(kid, credentialFrom(appToken), { httpClient: vaultHttpClient(em.url) });
/** As @azure/keyvault-admin and az build it: `{hsm}/{scope}/providers/…`, scope "/keys/k" giving a double slash. */
const rbacPath = (scope: string, rest: string, query = "") =>
  `/keyvault/${HSM_HOST}/${scope}/providers/Microsoft.Authorization/${rest}?api-version=7.4${query}`;
const assign = async (scope: string, role: string, principalId: string, token?: string) => {
  const name = randomUUID();
  const r = await call(
    em.url,
    "PUT",
    rbacPath(scope, `roleAssignments/${name}`),
    token ?? (await adminToken()),
    {
      properties: { roleDefinitionId: DEF(role), principalId },
    },
  );
  return { name, ...r };
};

beforeAll(async () => {
  em = await startEmulator();
  spId = await installApp(em.url, IDS.contoso, IDS.contosoAdminUpn, IDS.cmkAppId);
});
afterAll(async () => em.close());

describe("[hsm] Managed HSM local RBAC (rbac.json 7.4) and key operations through @azure/keyvault-keys", () => {
  it("the initial administrator manages roles but holds no key operation: 403 AccessDenied", async () => {
    const err = await keysAs(IDS.contosoAdminUpn)
      .createRsaKey("cmk", { hsm: true, keySize: 3072 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 403, code: "AccessDenied" });
    expect((err as Error).message).toMatch(
      /^Not authorized to access Microsoft\.KeyVault\/managedHsm\/keys\/create on '\/keys\/cmk' \(Activity ID: [0-9a-f-]{36}\)$/,
    );
  });

  it("RoleDefinitions_List names the built-in roles with their documented ids", async () => {
    const r = await call(em.url, "GET", rbacPath("", "roleDefinitions"), await adminToken());
    expect(r.status).toBe(200);
    const value = r.body.value as {
      id: string;
      name: string;
      type: string;
      properties: Record<string, unknown>;
    }[];
    const cseu = value.find((d) => d.properties.roleName === "Managed HSM Crypto Service Encryption User");
    expect(cseu).toMatchObject({
      id: DEF(SERVICE_ENCRYPTION_USER),
      name: SERVICE_ENCRYPTION_USER,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        type: "AKVBuiltInRole",
        permissions: [
          {
            dataActions: [
              "Microsoft.KeyVault/managedHsm/keys/read/action",
              "Microsoft.KeyVault/managedHsm/keys/wrap/action",
              "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
            ],
          },
        ],
      },
    });
    expect(value.find((d) => d.name === CRYPTO_USER)?.properties.roleName).toBe("Managed HSM Crypto User");
  });

  it("RoleAssignments_Create answers 201 with the spec's shape; the key can then be created as RSA-HSM", async () => {
    const admin = await adminToken();
    const created = await assign("/keys", CRYPTO_USER, IDS.contosoAdmin, admin);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: `/keys/providers/Microsoft.Authorization/roleAssignments/${created.name}`,
      name: created.name,
      type: "Microsoft.Authorization/roleAssignments",
      properties: { scope: "/keys", roleDefinitionId: DEF(CRYPTO_USER), principalId: IDS.contosoAdmin },
    });
    const key = await keysAs(IDS.contosoAdminUpn).createRsaKey("cmk", {
      hsm: true,
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
    });
    expect(key.id).toMatch(new RegExp(`^${HSM_URL}/keys/cmk/[0-9a-f]{32}$`));
    expect(key.keyType).toBe("RSA-HSM");
    await keysAs(IDS.contosoAdminUpn).createRsaKey("other", { hsm: true, keySize: 3072 });
  });

  it("the app is refused until the HSM itself grants it; an Azure (ARM) role assignment does not count", async () => {
    const kid = `${HSM_URL}/keys/cmk`;
    const refused = await cryptoAsApp(kid)
      .wrapKey("RSA-OAEP-256", randomBytes(32))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 403, code: "AccessDenied" });
    // Owner of Contoso's subscription grants the same-named Azure role on the HSM resource: Azure RBAC, not local.
    const arm = await grant(
      em.url,
      await adminToken("https://management.azure.com/.default"),
      HSM_ID,
      SERVICE_ENCRYPTION_USER,
      spId,
    );
    expect(arm.status).toBe(201);
    const stillRefused = await cryptoAsApp(kid)
      .wrapKey("RSA-OAEP-256", randomBytes(32))
      .catch((e: unknown) => e);
    expect(stillRefused).toMatchObject({ statusCode: 403, code: "AccessDenied" });
  });

  it("a local assignment at /keys/{key} lets the app wrap and unwrap that key, and no other", async () => {
    const granted = await assign("/keys/cmk", SERVICE_ENCRYPTION_USER, spId);
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ properties: { scope: "/keys/cmk" } });
    const cek = randomBytes(32);
    const wrapped = await cryptoAsApp(`${HSM_URL}/keys/cmk`).wrapKey("RSA-OAEP-256", cek);
    const back = await cryptoAsApp(`${HSM_URL}/keys/cmk`).unwrapKey("RSA-OAEP-256", wrapped.result);
    expect(Buffer.from(back.result).equals(cek)).toBe(true);
    const other = await cryptoAsApp(`${HSM_URL}/keys/other`)
      .wrapKey("RSA-OAEP-256", cek)
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ statusCode: 403, code: "AccessDenied" });

    // RoleAssignments_Get, _ListForScope ($filter=principalId eq), _Delete (200 with the assignment).
    const admin = await adminToken();
    const got = await call(em.url, "GET", rbacPath("/keys/cmk", `roleAssignments/${granted.name}`), admin);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(granted.body);
    const listed = await call(
      em.url,
      "GET",
      rbacPath("", "roleAssignments", `&$filter=${encodeURIComponent(`principalId eq '${spId}'`)}`),
      admin,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.value).toEqual([granted.body]);
    const deleted = await call(
      em.url,
      "DELETE",
      rbacPath("/keys/cmk", `roleAssignments/${granted.name}`),
      admin,
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual(granted.body);
    const gone = await call(em.url, "GET", rbacPath("/keys/cmk", `roleAssignments/${granted.name}`), admin);
    expect(gone.status).toBe(404);
    const afterDelete = await cryptoAsApp(`${HSM_URL}/keys/cmk`)
      .wrapKey("RSA-OAEP-256", cek)
      .catch((e: unknown) => e);
    expect(afterDelete).toMatchObject({ statusCode: 403, code: "AccessDenied" });
  });

  it("refuses role management to a user without an HSM role, a scope outside / and /keys, and a missing body field", async () => {
    const dev = await userToken(em.url, IDS.contoso, IDS.contosoDevUpn, HSM_SCOPE);
    const byDev = await assign("/keys", CRYPTO_USER, IDS.contosoDev, dev);
    expect(byDev.status).toBe(403);
    expect(byDev.body.error?.code).toBe("AccessDenied");
    expect(byDev.body.error?.message).toMatch(/roleAssignments\/write\/action on '\/keys'/);
    const badScope = await call(
      em.url,
      "PUT",
      rbacPath("/secrets", `roleAssignments/${randomUUID()}`),
      await adminToken(),
      {
        properties: { roleDefinitionId: DEF(CRYPTO_USER), principalId: IDS.contosoDev },
      },
    );
    expect(badScope.status).toBe(400);
    const noPrincipal = await call(
      em.url,
      "PUT",
      rbacPath("/keys", `roleAssignments/${randomUUID()}`),
      await adminToken(),
      {
        properties: { roleDefinitionId: DEF(CRYPTO_USER) },
      },
    );
    expect(noPrincipal.status).toBe(400);
    expect(noPrincipal.body.error?.code).toBe("BadParameter");
  });

  it("a vault-token (audience https://vault.azure.net) is refused by the HSM with its own challenge", async () => {
    const vaultToken = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://vault.azure.net/.default",
    );
    const r = await call(em.url, "GET", rbacPath("", "roleDefinitions"), vaultToken);
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain('resource="https://managedhsm.azure.net"');
  });
});
