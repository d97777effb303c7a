import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";

export const ARM_SCOPE = "https://management.azure.com/.default";

/** A TokenCredential over any token source (the emulator's token endpoints, or a fixed token). */
export function credentialFrom(
  get: (scopes: string[], tenantId?: string) => Promise<string>,
): TokenCredential {
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

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** Plain HTTPS call for asserting exact status codes and headers the SDKs would retry or hide. */
export async function call(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<RawResponse> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as RawResponse["body"]) : {},
  };
}

export const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const PASSWORD = "Passw0rd!";
export const IDENTITY_HEADER = "crosskey-emulator-identity-header";

/** A user's token as `az login` would get it: ROPC with the Azure CLI public client. */
export async function userToken(url: string, tenant: string, upn: string, scope: string): Promise<string> {
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "password",
      client_id: AZURE_CLI,
      username: upn,
      password: PASSWORD,
      scope,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`ROPC for ${upn}: ${body.error_description ?? res.status}`);
  return body.access_token;
}

/** A user-assigned managed identity's token from the App Service style endpoint. */
export async function miToken(url: string, clientId: string, resource: string): Promise<string> {
  const q = new URLSearchParams({ "api-version": "2019-08-01", resource, client_id: clientId });
  const res = await fetch(`${url}/msi/token?${q.toString()}`, {
    headers: { "X-IDENTITY-HEADER": IDENTITY_HEADER },
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`MI token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The customer installs the ISV's app (Graph POST /servicePrincipals, like `az ad sp create --id`); returns the SP object id. */
export async function installApp(
  url: string,
  tenant: string,
  adminUpn: string,
  appId: string,
): Promise<string> {
  const token = await userToken(url, tenant, adminUpn, "https://graph.microsoft.com/.default");
  const res = await fetch(`${url}/graph/v1.0/servicePrincipals`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ appId }),
  });
  const body = (await res.json()) as { id?: string };
  if (!body.id) throw new Error(`install app: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}
