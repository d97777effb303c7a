import crypto from "node:crypto";
import https from "node:https";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { ResourceManagementClient } from "@azure/arm-resources";
import { KeyClient } from "@azure/keyvault-keys";

/**
 * The customer's side, played against the emulator through its real APIs: a browser following Entra's pages,
 * and the customer's admin running the generated script (`az login` = ROPC with the Azure CLI client).
 */
export const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const DEMO_PASSWORD = "Passw0rd!";
export const CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";
export const SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
const ARM_SCOPE = "https://management.azure.com/.default";

export const TENANTS = {
  contoso: {
    id: "c0000000-0000-4000-8000-00000000c001",
    domain: "contoso.onmicrosoft.com",
    subscription: "aaaaaaaa-0000-4000-8000-00000000c001",
  },
  woodgrove: {
    id: "c0000000-0000-4000-8000-00000000c002",
    domain: "woodgrovebank.onmicrosoft.com",
    subscription: "aaaaaaaa-0000-4000-8000-00000000c002",
  },
  litware: {
    id: "c0000000-0000-4000-8000-00000000c003",
    domain: "litware.onmicrosoft.com",
    subscription: "aaaaaaaa-0000-4000-8000-00000000c003",
  },
  adatum: {
    id: "c0000000-0000-4000-8000-00000000c004",
    domain: "adatum.onmicrosoft.com",
    subscription: "aaaaaaaa-0000-4000-8000-00000000c004",
  },
} as const;
export type DemoTenant = (typeof TENANTS)[keyof typeof TENANTS];

/** Opens an Entra page (authorize or admin consent), picks `upn`, and returns the next response. */
export async function pickAccount(pageUrl: string, upn: string): Promise<Response> {
  const page = await (await fetch(pageUrl)).text();
  const ctx = /name="ctx" value="([^"]+)"/.exec(page)?.[1];
  const action = /action="([^"]+)"/.exec(page)?.[1];
  if (!ctx || !action) throw new Error(`no account picker at ${pageUrl}: ${page.slice(0, 200)}`);
  return fetch(new URL(action.replaceAll("&amp;", "&"), pageUrl), {
    method: "POST",
    body: new URLSearchParams({ ctx, login: upn }),
    redirect: "manual",
  });
}

/** Walks admin consent as a browser would; returns where Entra sends the browser back (or the page it showed). */
export async function grantAdminConsent(
  consentUrl: string,
  upn: string,
  decision: "accept" | "cancel" = "accept",
): Promise<URL | string> {
  const afterPick = await pickAccount(consentUrl, upn);
  const html = await afterPick.text();
  const ctx = /name="ctx" value="([^"]+)"/.exec(html)?.[1];
  if (!ctx) {
    const back = /id="return" href="([^"]+)"/.exec(html)?.[1];
    return back ? new URL(back.replaceAll("&amp;", "&")) : html;
  }
  const action = /action="([^"]+)"/.exec(html)?.[1] ?? new URL(consentUrl).pathname;
  const res = await fetch(new URL(action.replaceAll("&amp;", "&"), consentUrl), {
    method: "POST",
    body: new URLSearchParams({ ctx, decision }),
    redirect: "manual",
  });
  return new URL(res.headers.get("location") ?? "");
}

/** The SPA sign-in the customer page runs with MSAL: auth code + PKCE, redeemed cross-origin; returns the ID token. */
export async function browserSignIn(input: {
  emulatorUrl: string;
  authority: string;
  clientId: string;
  redirectUri: string;
  nonce: string;
  upn: string;
}) {
  const verifier = crypto.randomBytes(32).toString("base64url");
  const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
  const q = new URLSearchParams({
    client_id: input.clientId,
    response_type: "code",
    redirect_uri: input.redirectUri,
    scope: "openid profile",
    code_challenge: challenge,
    code_challenge_method: "S256",
    response_mode: "fragment",
    state: "s",
    nonce: input.nonce,
  });
  const back = await pickAccount(`${input.authority}/oauth2/v2.0/authorize?${q}`, input.upn);
  const location = new URL(back.headers.get("location") ?? "");
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  if (!code) throw new Error(`no code: ${location}`);
  const res = await fetch(`${input.authority}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { origin: new URL(input.redirectUri).origin },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: input.clientId,
      code,
      redirect_uri: input.redirectUri,
      code_verifier: verifier,
      scope: "openid profile",
    }),
  });
  const body = (await res.json()) as { id_token?: string; error_description?: string };
  if (!body.id_token) throw new Error(`token: ${body.error_description}`);
  return body.id_token;
}

/**
 * Where the customer's tools reach Azure: the emulator's own URL (a custom cloud, Key Vault through a URL
 * rewrite), or — with `viaProxy`, the URL of the emulator's proxy mode — Azure's real host names through that
 * proxy, as the customer's tools reach Azure. The proxy is given to each client, not to the process.
 */
export function customerEndpoints(emulatorUrl: string, viaProxy?: string) {
  return viaProxy
    ? {
        login: "https://login.microsoftonline.com",
        arm: "https://management.azure.com",
        graph: "https://graph.microsoft.com",
        vaultTransport: undefined,
        proxyOptions: { host: `http://${new URL(viaProxy).hostname}`, port: Number(new URL(viaProxy).port) },
        fetch: proxiedFetch(viaProxy),
      }
    : {
        login: emulatorUrl,
        arm: emulatorUrl,
        graph: `${emulatorUrl}/graph`,
        vaultTransport: emulatorUrl,
        proxyOptions: undefined,
        fetch: (url: string, init: FetchInit) => fetch(url, init),
      };
}

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
}

/** A fetch-shaped call through an HTTPS proxy (Node's agent with `proxyEnv`), for the few raw calls. */
function proxiedFetch(proxyUrl: string) {
  const agent = new https.Agent({ proxyEnv: { ...process.env, HTTPS_PROXY: proxyUrl, NO_PROXY: "" } });
  return (url: string, init: FetchInit) =>
    new Promise<Response>((resolve, reject) => {
      const body = init.body === undefined ? undefined : String(init.body);
      const headers = {
        ...(init.body instanceof URLSearchParams
          ? { "content-type": "application/x-www-form-urlencoded" }
          : {}),
        ...init.headers,
      };
      const req = https.request(url, { agent, method: init.method ?? "GET", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
      });
      req.on("error", reject);
      req.end(body);
    });
}

/** `az login --tenant …` for a user of a demo tenant. */
export function userCredential(
  emulatorUrl: string,
  tenantId: string,
  upn: string,
  viaProxy?: string,
): TokenCredential {
  const { login, fetch } = customerEndpoints(emulatorUrl, viaProxy);
  return {
    async getToken(scopes): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? (scopes[0] ?? ARM_SCOPE) : scopes;
      const res = await fetch(`${login}/${tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "password",
          client_id: AZURE_CLI,
          username: upn,
          password: DEMO_PASSWORD,
          scope,
        }),
      });
      const body = (await res.json()) as {
        access_token?: string;
        expires_in?: number;
        error_description?: string;
      };
      if (!body.access_token) throw new Error(`az login as ${upn}: ${body.error_description}`);
      return { token: body.access_token, expiresOnTimestamp: Date.now() + (body.expires_in ?? 3600) * 1000 };
    },
  };
}

function vaultTransport(emulatorUrl: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request) {
      const original = request.url;
      const u = new URL(original);
      request.url = `${emulatorUrl}/keyvault/${u.host}${u.pathname}${u.search}`;
      // The rewrite already reaches the emulator: the proxy agent chosen for the real host (HTTPS_PROXY) does not apply.
      const agent = request.agent;
      request.agent = undefined;
      try {
        return await inner.sendRequest(request);
      } finally {
        request.url = original;
        request.agent = agent;
      }
    },
  };
}

/** The customer's admin makes a new version of a key (Key Vault "rotate"), as they would in the portal. */
export function rotateCustomerKey(
  emulatorUrl: string,
  tenant: DemoTenant,
  vaultName: string,
  keyName: string,
) {
  const admin = userCredential(emulatorUrl, tenant.id, `admin@${tenant.domain}`);
  const keys = new KeyClient(`https://${vaultName}.vault.azure.net`, admin, {
    httpClient: vaultTransport(emulatorUrl),
  });
  return keys.rotateKey(keyName);
}

export interface ScriptOptions {
  emulatorUrl: string;
  tenant: DemoTenant;
  adminUpn: string;
  spObjectId: string;
  vaultName: string;
  keyName: string;
  location?: string;
  purgeProtection?: boolean;
  key?: { kty: "RSA"; size: 2048 | 3072 | 4096 } | { kty: "EC"; curve: "P-256" };
  /** false: stop before granting the ISV app its role (the customer forgot, or will do it later). */
  grantRole?: boolean;
  /** The emulator's proxy mode URL: Azure's real host names through it (customerEndpoints). */
  viaProxy?: string;
}

/** What the generated Azure CLI script does: resource group, vault (RBAC, purge protection), key, roles. */
export async function runCustomerScript(o: ScriptOptions) {
  const endpoints = customerEndpoints(o.emulatorUrl, o.viaProxy);
  const admin = userCredential(o.emulatorUrl, o.tenant.id, o.adminUpn, o.viaProxy);
  const location = o.location ?? "westeurope";
  const rm = new ResourceManagementClient(admin, o.tenant.subscription, {
    endpoint: endpoints.arm,
    proxyOptions: endpoints.proxyOptions,
  });
  const rg = `rg-${o.vaultName}`;
  await rm.resourceGroups.createOrUpdate(rg, { location });
  const vaultId = `/subscriptions/${o.tenant.subscription}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${o.vaultName}`;
  await rm.resources.beginCreateOrUpdateByIdAndWait(vaultId, "2023-07-01", {
    location,
    properties: {
      tenantId: o.tenant.id,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      ...(o.purgeProtection === false ? {} : { enablePurgeProtection: true }),
    },
  });
  const adminOid = (
    JSON.parse(
      Buffer.from((await admin.getToken(ARM_SCOPE))!.token.split(".")[1]!, "base64url").toString(),
    ) as { oid: string }
  ).oid;
  await assignRole(endpoints, admin, vaultId, CRYPTO_OFFICER, adminOid, "User", o.tenant.subscription);
  const keys = new KeyClient(
    `https://${o.vaultName}.vault.azure.net`,
    admin,
    endpoints.vaultTransport
      ? { httpClient: vaultTransport(endpoints.vaultTransport) }
      : { proxyOptions: endpoints.proxyOptions },
  );
  const spec = o.key ?? { kty: "RSA", size: 3072 };
  const key =
    spec.kty === "RSA"
      ? await keys.createRsaKey(o.keyName, { keySize: spec.size, keyOps: ["wrapKey", "unwrapKey"] })
      : await keys.createEcKey(o.keyName, { curve: spec.curve });
  const roleAssignmentId = o.grantRole === false ? undefined : await grantServiceRole(o, vaultId);
  return {
    vaultId,
    keyId: key.id!,
    versionlessUri: `https://${o.vaultName}.vault.azure.net/keys/${o.keyName}`,
    roleAssignmentId,
    admin,
    keys,
  };
}

export async function grantServiceRole(
  o: Pick<ScriptOptions, "emulatorUrl" | "tenant" | "adminUpn" | "spObjectId" | "viaProxy">,
  vaultId: string,
) {
  const admin = userCredential(o.emulatorUrl, o.tenant.id, o.adminUpn, o.viaProxy);
  return assignRole(
    customerEndpoints(o.emulatorUrl, o.viaProxy),
    admin,
    vaultId,
    SERVICE_ENCRYPTION_USER,
    o.spObjectId,
    "ServicePrincipal",
    o.tenant.subscription,
  );
}

async function assignRole(
  endpoints: ReturnType<typeof customerEndpoints>,
  cred: TokenCredential,
  scope: string,
  role: string,
  principalId: string,
  principalType: string,
  subscription: string,
) {
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`;
  const res = await endpoints.fetch(`${endpoints.arm}${id}?api-version=2022-04-01`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${(await cred.getToken(ARM_SCOPE))!.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      properties: {
        roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId,
        principalType,
      },
    }),
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`role assignment: ${res.status} ${await res.text()}`);
  return id;
}

/** Managed HSM local RBAC role ids (Microsoft Learn, "Local RBAC built-in roles for Managed HSM"). */
export const HSM_CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";
export const HSM_SERVICE_ENCRYPTION_USER = "33413926-3206-4cdd-b39a-83574fe37a17";
const HSM_SCOPE = "https://managedhsm.azure.net/.default";
/** The demo world's activated Managed HSM in Contoso; Contoso's admin is its initial administrator. */
export const DEMO_HSM = "mhsm-contoso";

export interface HsmScriptOptions {
  emulatorUrl: string;
  tenant: DemoTenant;
  adminUpn: string;
  spObjectId: string;
  hsmName?: string;
  keyName: string;
  /** false: stop before granting the ISV app its local role. */
  grantRole?: boolean;
}

/**
 * What the generated script's Managed HSM variant does on an HSM that exists and is activated: the admin gives
 * themself Managed HSM Crypto User at /keys, creates an RSA-HSM 3072 wrap/unwrap key, and gives the app Managed
 * HSM Crypto Service Encryption User at /keys/{key} — every role with the HSM's own role assignments.
 */
export async function runCustomerHsmScript(o: HsmScriptOptions) {
  const hsmName = o.hsmName ?? DEMO_HSM;
  const admin = userCredential(o.emulatorUrl, o.tenant.id, o.adminUpn);
  const adminOid = (
    JSON.parse(
      Buffer.from((await admin.getToken(HSM_SCOPE))!.token.split(".")[1]!, "base64url").toString(),
    ) as {
      oid: string;
    }
  ).oid;
  await assignHsmRole(o, hsmName, "/keys", HSM_CRYPTO_USER, adminOid);
  const keys = new KeyClient(`https://${hsmName}.managedhsm.azure.net`, admin, {
    httpClient: vaultTransport(o.emulatorUrl),
  });
  const key = await keys.createRsaKey(o.keyName, {
    hsm: true,
    keySize: 3072,
    keyOps: ["wrapKey", "unwrapKey"],
  });
  if (o.grantRole !== false) await grantHsmServiceRole(o, hsmName);
  return { keyId: key.id!, versionlessUri: `https://${hsmName}.managedhsm.azure.net/keys/${o.keyName}` };
}

/** `az keyvault role assignment create --hsm-name … --role "Managed HSM Crypto Service Encryption User" --scope /keys/{key}`. */
export function grantHsmServiceRole(o: Omit<HsmScriptOptions, "hsmName">, hsmName = DEMO_HSM) {
  return assignHsmRole(o, hsmName, `/keys/${o.keyName}`, HSM_SERVICE_ENCRYPTION_USER, o.spObjectId);
}

/** A local role assignment on the HSM (Key Vault data-plane `rbac.json` RoleAssignments_Create). */
async function assignHsmRole(
  o: Pick<HsmScriptOptions, "emulatorUrl" | "tenant" | "adminUpn">,
  hsmName: string,
  scope: string,
  role: string,
  principalId: string,
) {
  const admin = userCredential(o.emulatorUrl, o.tenant.id, o.adminUpn);
  const path = `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`;
  const res = await fetch(
    `${o.emulatorUrl}/keyvault/${hsmName}.managedhsm.azure.net/${path}?api-version=7.4`,
    {
      method: "PUT",
      headers: {
        authorization: `Bearer ${(await admin.getToken(HSM_SCOPE))!.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        properties: {
          roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
        },
      }),
    },
  );
  if (res.status !== 201) throw new Error(`HSM role assignment: ${res.status} ${await res.text()}`);
  return path;
}

/** Installs the ISV's app in a tenant as `az ad sp create --id` does (Graph POST /servicePrincipals); returns its object ID. */
export async function installApp(
  emulatorUrl: string,
  tenantId: string,
  adminUpn: string,
  appId: string,
): Promise<string> {
  const token = (await userCredential(emulatorUrl, tenantId, adminUpn).getToken(
    "https://graph.microsoft.com/.default",
  ))!.token;
  const res = await fetch(`${emulatorUrl}/graph/v1.0/servicePrincipals`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ appId }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status === 409) {
    const existing = await fetch(`${emulatorUrl}/graph/v1.0/servicePrincipals(appId='${appId}')`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await existing.json()) as { id: string }).id;
  }
  if (!body.id) throw new Error(`install app: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** The emulator's control API (tests, the demo launcher and the benchmark only). */
export async function control(
  emulatorUrl: string,
  path: string,
  body?: unknown,
  method = body === undefined ? "GET" : "POST",
) {
  const res = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : (res.json() as Promise<unknown>);
}
