import path from "node:path";
import { decodeJwt } from "jose";
import { createEmulator, type RunningEmulator } from "../src/server.js";

/** Fixed identifiers of the demo world (CONTRACT.md). */
export const ISV = "11111111-1111-4111-8111-111111111111";
export const CONTOSO = "c0000000-0000-4000-8000-00000000c001";
export const WOODGROVE = "c0000000-0000-4000-8000-00000000c002";
export const CMK_APP = "22222222-2222-4222-8222-222222222222";
export const SIGNIN_APP = "33333333-3333-4333-8333-333333333333";
export const SIGNIN_SECRET = "crosskey-dev-secret-not-for-production";
export const CMK_UAMI = {
  clientId: "44444444-4444-4444-8444-444444444444",
  principalId: "55555555-5555-4555-8555-555555555555",
};
export const APP_UAMI = {
  clientId: "66666666-6666-4666-8666-666666666666",
  principalId: "77777777-7777-4777-8777-777777777777",
};
export const IDENTITY_HEADER = "crosskey-emulator-identity-header";
export const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const PASSWORD = "Passw0rd!";

/** One emulator per test file, on a free port, with the demo world. */
export function startEmulator(): Promise<RunningEmulator> {
  const dataDir = process.env.EMULATOR_TEST_DATA_DIR;
  if (!dataDir) throw new Error("run through emulator/vitest.config.ts (it prepares TLS trust)");
  return createEmulator({ port: 0, dataDir, world: path.join(import.meta.dirname, "../world/demo.json") });
}

/** A user token through ROPC with the Azure CLI client: "the customer's admin running the script". */
export async function userToken(
  url: string,
  tenant: string,
  username: string,
  scope: string,
): Promise<string> {
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: AZURE_CLI,
      username,
      password: PASSWORD,
      scope,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`ROPC failed: ${body.error_description}`);
  return body.access_token;
}

/** A managed identity token straight from the App Service endpoint. */
export async function miToken(url: string, clientId: string, resource: string): Promise<string> {
  const q = new URLSearchParams({ "api-version": "2019-08-01", resource, client_id: clientId });
  const res = await fetch(`${url}/msi/token?${q}`, { headers: { "X-IDENTITY-HEADER": IDENTITY_HEADER } });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export const claimsOf = (jwt: string): Record<string, unknown> => decodeJwt(jwt);

/** The AADSTS code an SDK error carries in its message (MSAL and @azure/identity keep Entra's description). */
export const aadsts = (e: unknown): string | undefined =>
  /AADSTS(\d+)/.exec(e instanceof Error ? e.message : String(e))?.[1];
