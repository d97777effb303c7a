import "server-only";
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { KeyClient, CryptographyClient } from "@azure/keyvault-keys";
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

/** The transport: allowlist first, then (emulator profile only) route the real host to the emulator. */
function keyVaultHttpClient(cloud: CloudProfile): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request: PipelineRequest) {
      const original = new URL(request.url);
      if (original.protocol !== "https:" || !isAllowedKeyVaultHost(original.hostname, cloud) || (original.port && original.port !== "443")) {
        throw new AppError("BAD_REQUEST", `Refusing to call ${original.host}: not a Key Vault host of ${cloud.displayName}.`);
      }
      const routed = cloud.keyVaultTransportUrl(original);
      if (routed === original) return inner.sendRequest(request);
      // The SDK checks the challenge against the URL it sent, so the rewrite is undone before it looks.
      request.url = routed.toString();
      try {
        return await inner.sendRequest(request);
      } finally {
        request.url = original.toString();
      }
    },
  };
}

/** Key Vault clients acting as the ISV's multi-tenant app inside the customer's tenant. */
export function getCustomerKeyClients(tenantId: string, vaultUri: string, keyId?: string) {
  const cloud = getCloud();
  const credential = getCustomerTenantCredential(tenantId);
  const httpClient = keyVaultHttpClient(cloud);
  const retryOptions = { maxRetries: 1 };
  return {
    keys: new KeyClient(vaultUri, credential, { httpClient, retryOptions }),
    crypto: keyId ? new CryptographyClient(keyId, credential, { httpClient, retryOptions }) : undefined,
  };
}
