import { randomBytes } from "node:crypto";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, credentialFrom, installApp, miToken, userToken, vaultHttpClient } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { customerVault, grant, IDS, ROLES } from "./resource-world.js";

const CUST = IDS.contoso;
const RG = `/subscriptions/${IDS.contosoSub}/resourceGroups/keys`;
const VAULT = "contoso-kvdp";
const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/${VAULT}`;
const VAULT_URL = `https://${VAULT}.vault.azure.net`;
const KV = "https://vault.azure.net/.default";
const ARM = "https://management.azure.com/.default";

let em: RunningEmulator;
let spId = "";
const admin = (scope: string) => userToken(em.url, CUST, IDS.contosoAdminUpn, scope);
/** The ISV app's Key Vault token in Contoso, obtained the way Azure services do (UAMI → FIC → customer tenant). */
async function appVaultToken(): Promise<string> {
  const r = await em.emu.federation.acquireForUami({
    uamiResourceId: IDS.uamiCmk,
    federatedClientId: IDS.cmkAppId,
    tenantId: CUST,
    resource: "https://vault.azure.net",
  });
  if (!r.ok) throw new Error(r.description);
  return r.accessToken;
}
const kvPath = (p: string) => `/keyvault/${VAULT}.vault.azure.net${p}?api-version=7.6`;
// Clients as the app builds them: the real vault URL, the emulator reached only through the httpClient.
const keyClient = () =>
  new KeyClient(
    VAULT_URL,
    credentialFrom((s, t) => userToken(em.url, t ?? CUST, IDS.contosoAdminUpn, s[0] ?? KV)),
    { httpClient: vaultHttpClient(em.url) },
  );

beforeAll(async () => {
  em = await startEmulator();
  spId = await installApp(em.url, CUST, IDS.contosoAdminUpn, IDS.cmkAppId);
  await customerVault(em.url, await admin(ARM), { rg: RG, vault: VAULT, adminOid: IDS.contosoAdmin });
});
afterAll(async () => em.close());

describe("[keyvault] data plane through @azure/keyvault-keys", () => {
  it("answers the first request with the vault tenant's challenge (AKV10000)", async () => {
    const r = await call(em.url, "GET", kvPath("/keys/none/"));
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer authorization="${em.url}/${CUST}", resource="https://vault.azure.net"`,
    );
    expect(r.body.error?.message).toBe("AKV10000: Request is missing a Bearer or PoP token.");
  });

  it("creates, rotates and lists an RSA key, and wraps/unwraps with real RSA-OAEP(-256)", async () => {
    const kc = keyClient();
    const key = await kc.createRsaKey("cmk", { keySize: 3072 });
    expect(key.properties).toMatchObject({ recoveryLevel: "Recoverable", recoverableDays: 90 });
    const rotated = await kc.rotateKey("cmk");
    expect(rotated.properties.version).not.toBe(key.properties.version);
    const versions: string[] = [];
    for await (const v of kc.listPropertiesOfKeyVersions("cmk")) versions.push(v.version ?? "");
    expect(versions).toHaveLength(2);
    const crypto = new CryptographyClient(
      key.id ?? "",
      credentialFrom((s, t) => userToken(em.url, t ?? CUST, IDS.contosoAdminUpn, s[0] ?? KV)),
      { httpClient: vaultHttpClient(em.url) },
    );
    const cek = randomBytes(32);
    // RSA-OAEP wraps locally in the SDK (public key), RSA-OAEP-256 remotely; both unwrap in the emulator.
    for (const alg of ["RSA-OAEP-256", "RSA-OAEP"] as const) {
      const wrapped = await crypto.wrapKey(alg, cek);
      expect(wrapped.result).toHaveLength(384);
      expect(Buffer.from((await crypto.unwrapKey(alg, wrapped.result)).result).equals(cek)).toBe(true);
    }
  });

  it("refuses the ISV app without a role (ForbiddenByRbac), then allows it once the role has propagated", async () => {
    const key = await keyClient().createRsaKey("rbac-key", { keySize: 2048 });
    const path = kvPath(`/keys/rbac-key/${key.properties.version}/wrapkey`);
    const body = { alg: "RSA-OAEP-256", value: randomBytes(32).toString("base64url") };
    const denied = await call(em.url, "POST", path, await appVaultToken(), body);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: "Forbidden", innererror: { code: "ForbiddenByRbac" } });
    expect(denied.body.error?.message).toContain(
      `Caller: appid=${IDS.cmkAppId};oid=${spId};iss=https://sts.windows.net/${CUST}/`,
    );
    expect(denied.body.error?.message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'");
    em.emu.settings.rolePropagationSeconds = 60;
    expect(
      (await grant(em.url, await admin(ARM), `${VAULT_ID}/keys/rbac-key`, ROLES.serviceEncryptionUser, spId))
        .status,
    ).toBe(201);
    expect((await call(em.url, "POST", path, await appVaultToken(), body)).status).toBe(403);
    em.emu.clock.advance(61);
    expect((await call(em.url, "POST", path, await appVaultToken(), body)).status).toBe(200);
    em.emu.settings.rolePropagationSeconds = 0;
  });

  it("soft-deletes a key (gone for every caller, with its purge date) and recovers it with every version", async () => {
    const kc = keyClient();
    const key = await kc.createRsaKey("to-delete", { keySize: 2048 });
    await kc.rotateKey("to-delete");
    const deleted = await (await kc.beginDeleteKey("to-delete")).pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${VAULT_URL}/deletedkeys/to-delete`);
    expect(deleted.properties.scheduledPurgeDate!.getTime() - deleted.properties.deletedOn!.getTime()).toBe(
      90 * 86_400_000,
    );
    await expect(kc.getKey("to-delete")).rejects.toMatchObject({ statusCode: 404, code: "KeyNotFound" });
    await (await kc.beginRecoverDeletedKey("to-delete")).pollUntilDone();
    const versions: string[] = [];
    for await (const v of kc.listPropertiesOfKeyVersions("to-delete")) versions.push(v.version ?? "");
    expect(versions).toContain(key.properties.version);
    expect(versions).toHaveLength(2);
  });

  it("the ISV app's service role cannot delete a key (keys/delete is not in it)", async () => {
    await keyClient().createRsaKey("keep-me", { keySize: 2048 });
    const r = await call(em.url, "DELETE", kvPath("/keys/keep-me"), await appVaultToken());
    expect(r.status).toBe(403);
  });

  it("rejects a token from another tenant (the ISV's own) with AKV10032", async () => {
    const wrong = new KeyClient(
      VAULT_URL,
      credentialFrom(() => miToken(em.url, IDS.cmkMiClientId, "https://vault.azure.net")),
      { httpClient: vaultHttpClient(em.url) },
    );
    await expect(wrong.getKey("cmk")).rejects.toMatchObject({
      statusCode: 401,
      message: expect.stringContaining("AKV10032: Invalid issuer."),
    });
  });

  it("blocks a disabled key; an expired key still unwraps but no longer wraps", async () => {
    const kc = keyClient();
    const key = await kc.createRsaKey("life", { keySize: 2048 });
    const token = await admin(KV);
    const v = key.properties.version ?? "";
    const wrapped = await call(em.url, "POST", kvPath(`/keys/life/${v}/wrapkey`), token, {
      alg: "RSA-OAEP-256",
      value: randomBytes(32).toString("base64url"),
    });
    await kc.updateKeyProperties("life", v, { enabled: false });
    const disabled = await call(em.url, "POST", kvPath(`/keys/life/${v}/unwrapkey`), token, {
      alg: "RSA-OAEP-256",
      value: wrapped.body.value,
    });
    expect(disabled.status).toBe(403);
    expect(disabled.body.error).toMatchObject({ code: "Forbidden", innererror: { code: "KeyDisabled" } });
    await kc.updateKeyProperties("life", v, {
      enabled: true,
      expiresOn: new Date(em.emu.clock.nowMs() - 60_000),
    });
    expect(
      (
        await call(em.url, "POST", kvPath(`/keys/life/${v}/unwrapkey`), token, {
          alg: "RSA-OAEP-256",
          value: wrapped.body.value,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(em.url, "POST", kvPath(`/keys/life/${v}/wrapkey`), token, {
          alg: "RSA-OAEP-256",
          value: "AAAA",
        })
      ).status,
    ).toBe(403);
  });

  it("denies callers outside the vault firewall and enforces access policies on non-RBAC vaults", async () => {
    const arm = await admin(ARM);
    const token = await admin(KV);
    const patch = (properties: unknown) =>
      call(em.url, "PATCH", `${VAULT_ID}?api-version=2023-07-01`, arm, { properties });
    await patch({
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }] },
    });
    const fw = await call(em.url, "GET", kvPath("/keys/cmk/"), token);
    expect(fw.body.error).toMatchObject({ code: "Forbidden", innererror: { code: "ForbiddenByFirewall" } });
    await patch({
      networkAcls: { defaultAction: "Allow" },
      enableRbacAuthorization: false,
      accessPolicies: [{ tenantId: CUST, objectId: IDS.contosoAdmin, permissions: { keys: ["get"] } }],
    });
    expect((await call(em.url, "GET", kvPath("/keys/cmk/"), token)).status).toBe(200);
    const policy = await call(em.url, "POST", kvPath("/keys/x/create"), token, { kty: "RSA" });
    expect(policy.body.error).toMatchObject({ code: "Forbidden", innererror: { code: "ForbiddenByPolicy" } });
    await patch({ enableRbacAuthorization: true });
  });
});
