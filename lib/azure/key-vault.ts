import "server-only";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
  RestError,
} from "@azure/core-rest-pipeline";
import { KeyClient } from "@azure/keyvault-keys";
import type { CloudProfile } from "@/lib/azure/clouds";
import { getCloud } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getCustomerTenantCredential } from "./credentials";

/**
 * True when `host` is a vault or managed HSM of the active cloud. Every Key Vault request passes this check in
 * the transport itself, so no code path can make the server call a host a customer typed in.
 */
export function isAllowedKeyVaultHost(host: string, cloud: CloudProfile = getCloud()): boolean {
  const lower = host.toLowerCase();
  return [...cloud.keyVaultSuffixes, ...cloud.managedHsmSuffixes].some(
    (suffix) => lower.endsWith(`.${suffix}`) && /^[a-z0-9-]{3,24}$/.test(lower.slice(0, -suffix.length - 1)),
  );
}

/**
 * The transport: the allowlist, then the request as it is. The pipeline's proxy policy (HTTPS_PROXY) decides the
 * route, so the emulator profile reaches the real vault host through the emulator's proxy mode.
 */
export function keyVaultHttpClient(cloud: CloudProfile): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request: PipelineRequest) {
      const original = new URL(request.url);
      if (
        original.protocol !== "https:" ||
        !isAllowedKeyVaultHost(original.hostname, cloud) ||
        (original.port && original.port !== "443")
      ) {
        throw new AppError(
          "BAD_REQUEST",
          `Refusing to call ${original.host}: not a Key Vault host of ${cloud.displayName}.`,
        );
      }
      const response = await inner.sendRequest(request);
      // Through a forward proxy, a vault name that does not resolve comes back as the proxy's answer to CONNECT,
      // which RFC 9209 marks `Proxy-Status: …; error=dns_error`: fail as a direct DNS lookup does.
      if (
        response.status === 502 &&
        /;\s*error=dns_error\b/i.test(response.headers.get("proxy-status") ?? "")
      )
        throw new RestError(`getaddrinfo ENOTFOUND ${original.hostname}`, { code: "ENOTFOUND", request });
      return response;
    },
  };
}

/** Key Vault clients acting as the ISV's multi-tenant app inside the customer's tenant. */
export function getCustomerKeyClient(tenantId: string, vaultUri: string): KeyClient {
  return new KeyClient(vaultUri, getCustomerTenantCredential(tenantId), {
    httpClient: keyVaultHttpClient(getCloud()),
    retryOptions: { maxRetries: 1 },
  });
}

/**
 * wrapKey and unwrapKey as Key Vault itself performs them. The SDK's CryptographyClient wraps locally with
 * the public key when it can, which would not prove the wrap permission Azure services need.
 */
export async function remoteWrapUnwrap(
  tenantId: string,
  versionedKeyUri: string,
  scope: string,
  cek: Buffer,
): Promise<Buffer> {
  const cloud = getCloud();
  const client = keyVaultHttpClient(cloud);
  // The SDK's default policies (proxy from HTTPS_PROXY/NO_PROXY, request IDs, redirects), without retries.
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
  const token = await getCustomerTenantCredential(tenantId).getToken(scope, { enableCae: true });
  if (!token) throw new AppError("AZURE", "No token for Key Vault");
  const call = async (operation: "wrapkey" | "unwrapkey", value: Buffer) => {
    const response = await pipeline.sendRequest(
      client,
      createPipelineRequest({
        url: `${versionedKeyUri}/${operation}?api-version=7.6`,
        method: "POST",
        headers: createHttpHeaders({
          authorization: `Bearer ${token.token}`,
          "content-type": "application/json",
        }),
        body: JSON.stringify({ alg: "RSA-OAEP-256", value: value.toString("base64url") }),
      }),
    );
    const body = JSON.parse(response.bodyAsText ?? "{}") as {
      value?: string;
      error?: { code?: string; message?: string; innererror?: { code?: string } };
    };
    if (response.status !== 200 || !body.value) {
      throw Object.assign(new Error(body.error?.message ?? `Key Vault answered ${response.status}`), {
        statusCode: response.status,
        details: { error: body.error },
      });
    }
    return Buffer.from(body.value, "base64url");
  };
  return call("unwrapkey", await call("wrapkey", cek));
}
