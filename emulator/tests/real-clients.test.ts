import { randomBytes, randomUUID } from "node:crypto";
import { ResourceManagementClient } from "@azure/arm-resources";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, credentialFrom, installApp, miToken, userToken, vaultHttpClient } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { IDS, ROLES } from "./resource-world.js";

/**
 * What real clients other than the pinned SDKs send (Azure CLI 2.45 as packaged by Debian, issue 19): older GA
 * api-versions, Graph's lambda filter and /me, ARM's cloud metadata, MSAL instance discovery on Entra's host.
 */
const CUST = IDS.contoso;
const RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/cli`;
const VAULT = "contoso-cli";
const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/${VAULT}`;
const KV = "https://vault.azure.net/.default";
const ARM = "https://management.azure.com/.default";
const GRAPH = "https://graph.microsoft.com/.default";

let em: RunningEmulator;
const admin = (scope: string) => userToken(em.url, CUST, IDS.contosoAdminUpn, scope);
const adminCredential = () =>
  credentialFrom((s, t) => userToken(em.url, t ?? CUST, IDS.contosoAdminUpn, s[0] ?? ARM));
const graph = (token: () => Promise<string>) =>
  Client.initWithMiddleware({
    authProvider: { getAccessToken: token },
    baseUrl: `${em.url}/graph`,
    customHosts: new Set(["localhost"]),
  });

beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => em.close());

describe("[arm] the GA api-versions real clients send (core/api-versions.ts)", () => {
  it("serves the Azure CLI's versions: subscriptions 2019-11-01, groups 2022-09-01, vaults 2022-07-01, role assignments 2020-04-01-preview", async () => {
    const arm = await admin(ARM);
    const sub = await call(em.url, "GET", `/subscriptions/${IDS.contosoSub}?api-version=2019-11-01`, arm);
    expect(sub.status).toBe(200);
    expect(sub.body.subscriptionId).toBe(IDS.contosoSub);
    const list = await call(em.url, "GET", "/subscriptions?api-version=2019-11-01", arm);
    expect((list.body.value as { subscriptionId: string }[]).map((s) => s.subscriptionId)).toContain(
      IDS.contosoSub,
    );

    // Through the SDK's generic by-id operations, which take the api-version as an argument.
    const client = new ResourceManagementClient(adminCredential(), IDS.contosoSub, { endpoint: em.url });
    await client.resourceGroups.createOrUpdate("cli", { location: "westeurope" });
    expect((await client.resources.getById(RG, "2022-09-01")).name).toBe("cli");
    const vault = await client.resources.beginCreateOrUpdateByIdAndWait(VAULT_ID, "2022-07-01", {
      location: "westeurope",
      properties: {
        tenantId: CUST,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
      },
    });
    expect(vault.properties).toMatchObject({ vaultUri: `https://${VAULT}.vault.azure.net/` });

    const ra = await call(
      em.url,
      "PUT",
      `${VAULT_ID}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2020-04-01-preview`,
      arm,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${IDS.contosoSub}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.cryptoOfficer}`,
          principalId: IDS.contosoAdmin,
          principalType: "User",
        },
      },
    );
    expect(ra.status).toBe(201);
  });

  it("still refuses a version that is not published, listing the accepted ones", async () => {
    const r = await call(em.url, "GET", `${VAULT_ID}?api-version=2020-04-01-preview`, await admin(ARM));
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe("InvalidApiVersionParameter");
    expect(r.body.error?.message).toContain("2022-07-01");
  });
});

describe("[keyvault] data-plane versions 7.0–7.4 and versionless crypto", () => {
  it("creates and wraps with @azure/keyvault-keys pinned to 7.0 and 7.4, and unwraps through the versionless URL", async () => {
    const kvCredential = credentialFrom((s, t) =>
      userToken(em.url, t ?? CUST, IDS.contosoAdminUpn, s[0] ?? KV),
    );
    const vaultUrl = `https://${VAULT}.vault.azure.net`;
    for (const serviceVersion of ["7.0", "7.4"]) {
      const kc = new KeyClient(vaultUrl, kvCredential, {
        serviceVersion,
        httpClient: vaultHttpClient(em.url),
      });
      const key = await kc.createRsaKey(`cli-${serviceVersion.replace(".", "")}`, { keySize: 2048 });
      const crypto = new CryptographyClient(key.id ?? "", kvCredential, {
        serviceVersion,
        httpClient: vaultHttpClient(em.url),
      });
      const cek = randomBytes(32);
      const wrapped = await crypto.wrapKey("RSA-OAEP-256", cek);
      // Key Vault REST "Unwrap Key": the version segment is optional (the key's current version).
      const r = await call(
        em.url,
        "POST",
        `/keyvault/${VAULT}.vault.azure.net/keys/${key.name}/unwrapkey?api-version=${serviceVersion}`,
        await admin(KV),
        { alg: "RSA-OAEP-256", value: Buffer.from(wrapped.result).toString("base64url") },
      );
      expect(r.status).toBe(200);
      expect(r.body.kid).toBe(key.id);
      expect(Buffer.from(String(r.body.value), "base64url").equals(cek)).toBe(true);
    }
  });

  it("refuses an unknown data-plane version with BadParameter", async () => {
    const r = await call(
      em.url,
      "GET",
      `/keyvault/${VAULT}.vault.azure.net/keys?api-version=6.9`,
      await admin(KV),
    );
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe("BadParameter");
  });
});

describe("[graph] what `az ad sp show` and `az ad signed-in-user show` send", () => {
  it("filters service principals with servicePrincipalNames/any(c:c eq '…')", async () => {
    await installApp(em.url, CUST, IDS.contosoAdminUpn, IDS.cmkAppId);
    const g = graph(() => admin(GRAPH));
    const found = await g
      .api("/servicePrincipals")
      .filter(`servicePrincipalNames/any(c:c eq '${IDS.cmkAppId}')`)
      .get();
    expect(found.value).toHaveLength(1);
    expect(found.value[0]).toMatchObject({ appId: IDS.cmkAppId, servicePrincipalNames: [IDS.cmkAppId] });
    const none = await g
      .api("/servicePrincipals")
      .filter(`servicePrincipalNames/any(x:x eq '${randomUUID()}')`)
      .get();
    expect(none.value).toEqual([]);
    // Lambda variable mismatch is malformed OData.
    await expect(
      g.api("/servicePrincipals").filter(`servicePrincipalNames/any(c:d eq '${IDS.cmkAppId}')`).get(),
    ).rejects.toMatchObject({ statusCode: 400, code: "Request_BadRequest" });
  });

  it("answers /me for a delegated token and refuses it for an app-only token", async () => {
    const me = await graph(() => admin(GRAPH))
      .api("/me")
      .get();
    expect(me).toMatchObject({ id: IDS.contosoAdmin, userPrincipalName: IDS.contosoAdminUpn });
    expect(me["@odata.context"]).toMatch(/\/v1\.0\/\$metadata#users\/\$entity$/);
    await expect(
      graph(() => miToken(em.url, IDS.appMiClientId, "https://graph.microsoft.com"))
        .api("/me")
        .get(),
    ).rejects.toMatchObject({ statusCode: 400, code: "BadRequest" });
  });
});

describe("[arm] /metadata/endpoints and [entra] instance discovery", () => {
  it("answers az cloud register's 2015-01-01 read with the emulator as login endpoint, no token needed", async () => {
    const r = await call(em.url, "GET", "/metadata/endpoints?api-version=2015-01-01");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      authentication: {
        loginEndpoint: `${em.url}/`,
        audiences: ["https://management.core.windows.net/", "https://management.azure.com/"],
      },
    });
    const list = await call(em.url, "GET", "/metadata/endpoints?api-version=2022-09-01");
    expect(list.body).toMatchObject([
      { resourceManager: `${em.url}/`, suffixes: { keyVaultDns: "vault.azure.net" } },
    ]);
    expect((await call(em.url, "GET", "/metadata/endpoints")).body.error?.code).toBe(
      "MissingApiVersionParameter",
    );
  });

  it("answers with Azure's public endpoints when reached as management.azure.com (proxy mode)", async () => {
    const one = await em.app.inject({
      method: "GET",
      url: "/metadata/endpoints?api-version=2015-01-01",
      headers: { host: "management.azure.com" },
    });
    expect(one.json()).toMatchObject({
      authentication: { loginEndpoint: "https://login.microsoftonline.com/" },
    });
    const all = await em.app.inject({
      method: "GET",
      url: "/metadata/endpoints?api-version=2022-09-01",
      headers: { host: "management.azure.com" },
    });
    expect((all.json() as { name: string }[]).map((c) => c.name)).toEqual([
      "AzureCloud",
      "AzureChinaCloud",
      "AzureUSGovernment",
    ]);
  });

  it("answers MSAL instance discovery with Entra's alias groups on login.microsoftonline.com, and the emulator alone on its own host", async () => {
    const q = `api-version=1.1&authorization_endpoint=${encodeURIComponent(`https://login.microsoftonline.com/${CUST}/oauth2/v2.0/authorize`)}`;
    const real = await em.app.inject({
      method: "GET",
      url: `/common/discovery/instance?${q}`,
      headers: { host: "login.microsoftonline.com" },
    });
    const body = real.json() as { tenant_discovery_endpoint: string; metadata: { aliases: string[] }[] };
    expect(body.tenant_discovery_endpoint).toBe(
      `https://login.microsoftonline.com/${CUST}/v2.0/.well-known/openid-configuration`,
    );
    expect(body.metadata[0]?.aliases).toContain("login.windows.net");
    const own = await call(em.url, "GET", `/common/discovery/instance?${q}`);
    expect(own.body.metadata).toEqual([expect.objectContaining({ aliases: [new URL(em.url).host] })]);
  });
});
