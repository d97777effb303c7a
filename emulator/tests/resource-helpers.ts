import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";

export const ARM_SCOPE = "https://management.azure.com/.default";

/** A TokenCredential over any token source (the emulator's token endpoints, or a fixed token). */
export function credentialFrom(get: (scopes: string[], tenantId?: string) => Promise<string>): TokenCredential {
  return {
    async getToken(scopes, options): Promise<AccessToken> {
      const token = await get(Array.isArray(scopes) ? scopes : [scopes], options?.tenantId);
      return { token, expiresOnTimestamp: Date.now() + 3_000_000 };
    },
  };
}

/**
 * What the app does for Key Vault (TOOLCHAIN.md): keep the real vault URL in the client and rewrite it to the
 * emulator only inside sendRequest, restoring it afterwards so the SDK's challenge check sees the real host.
 */
export function vaultHttpClient(emulatorUrl: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request) {
      const original = request.url;
      const u = new URL(original);
      request.url = `${emulatorUrl}/keyvault/${u.host}${u.pathname}${u.search}`;
      try {
        return await inner.sendRequest(request);
      } finally {
        request.url = original;
      }
    },
  };
}

export interface RawResponse { status: number; headers: Headers; body: Record<string, unknown> & { error?: { code: string; message: string } } }

/** Plain HTTPS call for asserting exact status codes and headers the SDKs would retry or hide. */
export async function call(url: string, method: string, path: string, token?: string, body?: unknown): Promise<RawResponse> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as RawResponse["body"]) : {} };
}
