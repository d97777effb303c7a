import http from "node:http";
import https from "node:https";
import path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../src/server.js";
import {
  CONTOSO,
  ISV,
  PASSWORD,
  AZURE_CLI,
  SIGNIN_APP,
  SIGNIN_SECRET,
  claimsOf,
} from "./identity-helpers.js";
import { credentialFrom } from "./resource-helpers.js";
import { customerVault, IDS } from "./resource-world.js";

/**
 * Proxy mode: clients keep Azure's real host names and set only a proxy and the CA. The SDKs here get the proxy
 * through their own `proxyOptions`; raw calls through Node's agent with `proxyEnv` (what HTTPS_PROXY does).
 */
let em: RunningEmulator;
let agent: https.Agent;
const refused: string[] = [];

beforeAll(async () => {
  em = await createEmulator({
    port: 0,
    proxyPort: 0,
    dataDir: process.env.EMULATOR_TEST_DATA_DIR!,
    world: path.join(import.meta.dirname, "../world/demo.json"),
    say: (line) => refused.push(line),
  });
  agent = new https.Agent({ proxyEnv: { ...process.env, HTTPS_PROXY: em.proxyUrl!, NO_PROXY: "" } });
});
afterAll(async () => {
  agent?.destroy();
  await em?.close();
});

/** One HTTPS request through the proxy: status, headers and the parsed body. */
function viaProxy(
  url: string,
  init: { method?: string; form?: Record<string, string>; token?: string } = {},
) {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  return new Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = https.request(
        url,
        {
          agent,
          method: init.method ?? (body ? "POST" : "GET"),
          headers: {
            ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              json: text ? JSON.parse(text) : {},
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    },
  );
}

const proxyOptions = () => {
  const u = new URL(em.proxyUrl!);
  return { host: `http://${u.hostname}`, port: Number(u.port) };
};
const adminToken = async (scope: string, tenant = CONTOSO) =>
  (
    await viaProxy(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: AZURE_CLI,
        username: "admin@contoso.onmicrosoft.com",
        password: PASSWORD,
        scope,
      },
    })
  ).json.access_token as string;

describe("proxy mode", () => {
  it("answers Entra on login.microsoftonline.com with the real host in discovery and token issuers", async () => {
    const discovery = await viaProxy(
      `https://login.microsoftonline.com/${ISV}/v2.0/.well-known/openid-configuration`,
    );
    expect(discovery.json.issuer).toBe(`https://login.microsoftonline.com/${ISV}/v2.0`);
    expect(discovery.json.token_endpoint).toBe(`https://login.microsoftonline.com/${ISV}/oauth2/v2.0/token`);
    // @azure/identity with its defaults: the public authority, instance discovery on.
    const credential = new ClientSecretCredential(ISV, SIGNIN_APP, SIGNIN_SECRET, {
      proxyOptions: proxyOptions(),
    });
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    // Graph takes v1 tokens, as in Azure; the v2 issuer names the real host (the discovery document above).
    expect(claimsOf(token.token)).toMatchObject({ iss: `https://sts.windows.net/${ISV}/`, tid: ISV });
    // The same emulator still answers on its own URL with its own issuer.
    const direct = await fetch(`${em.url}/${ISV}/v2.0/.well-known/openid-configuration`);
    expect(((await direct.json()) as { issuer: string }).issuer).toBe(`${em.url}/${ISV}/v2.0`);
  });

  it("routes Graph, ARM and a vault host to their services, with the real hosts in links and challenges", async () => {
    const graph = await viaProxy("https://graph.microsoft.com/v1.0/organization", {
      token: await adminToken("https://graph.microsoft.com/.default"),
    });
    expect(graph.status).toBe(200);
    expect(graph.json["@odata.context"]).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#/);

    const armToken = await adminToken("https://management.azure.com/.default");
    const arm = new ResourceManagementClient(
      credentialFrom(async () => armToken),
      IDS.contosoSub,
      { proxyOptions: proxyOptions() },
    );
    await arm.resourceGroups.createOrUpdate("keys", { location: "westeurope" });
    const groups = [];
    for await (const g of arm.resourceGroups.list()) groups.push(g.name);
    expect(groups).toContain("keys");

    const vault = "contoso-proxy";
    await customerVault(em.url, armToken, {
      rg: `/subscriptions/${IDS.contosoSub}/resourceGroups/keys`,
      vault,
      adminOid: IDS.contosoAdmin,
    });
    const challenge = await viaProxy(`https://${vault}.vault.azure.net/keys/none/?api-version=7.6`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers["www-authenticate"]).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${CONTOSO}", resource="https://vault.azure.net"`,
    );
    // The Key Vault SDK with no URL rewrite: the real vault URL, a proxy and the CA.
    const keys = new KeyClient(
      `https://${vault}.vault.azure.net`,
      credentialFrom(async (scopes) => adminToken(scopes[0]!)),
      { proxyOptions: proxyOptions() },
    );
    const key = await keys.createRsaKey("cmk", { keySize: 2048 });
    expect(key.id).toMatch(new RegExp(`^https://${vault}\\.vault\\.azure\\.net/keys/cmk/[0-9a-f]{32}$`));
  });

  it("refuses and logs every other host and port, and keeps the control API off the real hosts", async () => {
    refused.length = 0;
    await expect(viaProxy("https://example.com/")).rejects.toThrow();
    await expect(
      viaProxy("https://login.microsoftonline.com:8443/common/discovery/instance"),
    ).rejects.toThrow();
    await expect(viaProxy("https://a.vault.azure.net/keys")).rejects.toThrow(); // not a valid vault name
    expect(refused).toEqual([
      expect.stringContaining("proxy refused example.com:443"),
      expect.stringContaining("proxy refused login.microsoftonline.com:8443"),
      expect.stringContaining("proxy refused a.vault.azure.net:443"),
    ]);
    const log = (await (await fetch(`${em.url}/_emulator/proxy`)).json()) as {
      refused: { target: string }[];
      accepted: Record<string, number>;
    };
    expect(log.refused.map((r) => r.target)).toEqual(
      expect.arrayContaining(["example.com:443", "login.microsoftonline.com:8443", "a.vault.azure.net:443"]),
    );
    expect(log.accepted["login.microsoftonline.com"]).toBeGreaterThan(0);
    // A real host reaches only its own service: no control API, portal or ARM on Entra's host.
    expect((await viaProxy("https://login.microsoftonline.com/_emulator/state")).status).toBe(404);
    expect(
      (await viaProxy(`https://login.microsoftonline.com/subscriptions?api-version=2022-12-01`)).status,
    ).toBe(404);
    expect((await viaProxy("https://management.azure.com/")).status).toBe(404);
  });

  it("answers CONNECT to a well-formed vault host the world does not know as a proxy whose DNS lookup failed", async () => {
    const connect = (target: string) =>
      new Promise<{ status: number; proxyStatus: unknown }>((resolve, reject) => {
        const u = new URL(em.proxyUrl!);
        const req = http.request({ host: u.hostname, port: Number(u.port), method: "CONNECT", path: target });
        req.on("connect", (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, proxyStatus: res.headers["proxy-status"] });
        });
        req.on("error", reject);
        req.end();
      });
    refused.length = 0;
    // RFC 9209: the proxy's DNS lookup found no such name.
    expect(await connect("contoso-nowhere.vault.azure.net:443")).toEqual({
      status: 502,
      proxyStatus: 'crosskey-emulator; error=dns_error; rcode="NXDOMAIN"',
    });
    expect(await connect("contoso-nowhere.managedhsm.azure.net:443")).toMatchObject({ status: 502 });
    expect(refused).toEqual([
      expect.stringContaining("proxy refused contoso-nowhere.vault.azure.net:443: NXDOMAIN"),
      expect.stringContaining("proxy refused contoso-nowhere.managedhsm.azure.net:443: NXDOMAIN"),
    ]);
    // A vault of the world resolves: the tunnel opens and Key Vault answers (here its challenge).
    expect(await connect("kv-fabrikam-platform.vault.azure.net:443")).toMatchObject({ status: 200 });
  });

  it("answers the China and US Government hosts with their own authority", async () => {
    for (const [login, graph] of [
      ["login.partner.microsoftonline.cn", "microsoftgraph.chinacloudapi.cn"],
      ["login.microsoftonline.us", "graph.microsoft.us"],
    ]) {
      const d = await viaProxy(`https://${login}/${ISV}/v2.0/.well-known/openid-configuration`);
      expect(d.json.issuer).toBe(`https://${login}/${ISV}/v2.0`);
      expect((await viaProxy(`https://${graph}/v1.0/organization`)).status).toBe(401);
    }
  });
});
