import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { keyVaultHttpClient } from "../../../lib/azure/key-vault";

/**
 * The Key Vault transport as it runs against a real cloud: the vault's own URL, no rewrite, the route chosen by the
 * pipeline's proxy setting. A small forward proxy on localhost stands in for a corporate proxy: it records each
 * CONNECT target and answers as a proxy whose DNS lookup failed (RFC 9209 `Proxy-Status: …; error=dns_error`) or
 * as one that refuses the host.
 */
const connects: string[] = [];
let proxy: http.Server;
let port = 0;

beforeAll(async () => {
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req: http.IncomingMessage, socket: import("node:stream").Duplex) => {
    const target = req.url ?? "";
    connects.push(target);
    socket.end(
      target.startsWith("contoso-nowhere.")
        ? 'HTTP/1.1 502 Bad Gateway\r\nproxy-status: corp-proxy; error=dns_error; rcode="NXDOMAIN"\r\ncontent-length: 0\r\n\r\n'
        : "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n",
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  port = (proxy.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

async function send(url: string): Promise<PipelineResponse> {
  const pipeline = createPipelineFromOptions({
    proxyOptions: { host: "http://127.0.0.1", port },
    retryOptions: { maxRetries: 0 },
  });
  const request = createPipelineRequest({ url, method: "GET", headers: createHttpHeaders() });
  const response = await pipeline.sendRequest(keyVaultHttpClient(getCloudProfile("public")), request);
  expect(request.url).toBe(url);
  return response;
}

describe("[azure] Key Vault transport in a real cloud", () => {
  it("calls the vault's own host on 443, unrewritten, and a name the proxy cannot resolve fails as DNS does", async () => {
    connects.length = 0;
    const failure = await send("https://contoso-nowhere.vault.azure.net/keys/cmk?api-version=7.6").catch(
      (e: unknown) => e,
    );
    expect(connects).toEqual(["contoso-nowhere.vault.azure.net:443"]);
    expect(failure).toMatchObject({
      name: "RestError",
      code: "ENOTFOUND",
      message: "getaddrinfo ENOTFOUND contoso-nowhere.vault.azure.net",
    });
  });

  it("hands any other proxy answer to the SDK as it is, and a Managed HSM goes the same way", async () => {
    connects.length = 0;
    const refused = await send("https://kv-contoso.vault.azure.net/keys/cmk?api-version=7.6");
    expect(refused.status).toBe(403);
    const hsm = await send("https://contoso-hsm.managedhsm.azure.net/keys/cmk?api-version=7.6");
    expect(hsm.status).toBe(403);
    expect(connects).toEqual(["kv-contoso.vault.azure.net:443", "contoso-hsm.managedhsm.azure.net:443"]);
  });
});
