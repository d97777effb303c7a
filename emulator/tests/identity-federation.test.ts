import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import {
  CMK_APP,
  CMK_UAMI,
  CONTOSO,
  IDENTITY_HEADER,
  ISV,
  aadsts,
  claimsOf,
  startEmulator,
  userToken,
} from "./identity-helpers.js";

/**
 * The cross-tenant chain with the official SDKs, as the app and Azure services run it:
 * ManagedIdentityCredential (App Service endpoint) → ClientAssertionCredential into the customer tenant.
 */
let emulator: RunningEmulator;
let url: string;

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
  process.env.IDENTITY_ENDPOINT = `${url}/msi/token`;
  process.env.IDENTITY_HEADER = IDENTITY_HEADER;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.emu.reset());

function customerVaultCredential(tenantId = CONTOSO): ClientAssertionCredential {
  const mi = new ManagedIdentityCredential({ clientId: CMK_UAMI.clientId });
  const getAssertion = async () => (await mi.getToken("api://AzureADTokenExchange/.default")).token;
  return new ClientAssertionCredential(tenantId, CMK_APP, getAssertion, {
    authorityHost: url,
    disableInstanceDiscovery: true,
  });
}

async function grantConsentInContoso(): Promise<string> {
  const token = await userToken(
    url,
    CONTOSO,
    "admin@contoso.onmicrosoft.com",
    "https://graph.microsoft.com/.default",
  );
  const res = await fetch(`${url}/graph/v1.0/servicePrincipals`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ appId: CMK_APP }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function failureCode(credential: ClientAssertionCredential): Promise<string | undefined> {
  try {
    await credential.getToken("https://vault.azure.net/.default");
  } catch (e) {
    return aadsts(e);
  }
  throw new Error("expected the token request to fail");
}

const setFic = (patch: Partial<{ issuer: string; subject: string; audiences: string[] }>) => {
  const fic = emulator.emu.directory.getApplication(CMK_APP)?.federatedIdentityCredentials[0];
  if (!fic) throw new Error("demo world lost its FIC");
  Object.assign(fic, patch);
};

describe("managed identity → federated credential → customer tenant", () => {
  it("issues the MI assertion as Entra does (v2, token-exchange audience, ISV issuer)", async () => {
    const mi = new ManagedIdentityCredential({ clientId: CMK_UAMI.clientId });
    const claims = claimsOf((await mi.getToken("api://AzureADTokenExchange/.default")).token);
    expect(claims).toMatchObject({
      aud: "fb60f99c-7a34-4190-8149-302f77469936",
      iss: `${url}/${ISV}/v2.0`,
      ver: "2.0",
      sub: CMK_UAMI.principalId,
      oid: CMK_UAMI.principalId,
      azp: CMK_UAMI.clientId,
      tid: ISV,
      idtyp: "app",
    });
  });

  it("refuses the customer tenant until the app's service principal exists there (700016)", async () => {
    expect(await failureCode(customerVaultCredential())).toBe("700016");
  });

  it("gets a Key Vault token in the customer tenant after consent", async () => {
    const spId = await grantConsentInContoso();
    const token = await customerVaultCredential().getToken("https://vault.azure.net/.default");
    expect(claimsOf(token.token)).toMatchObject({
      aud: "https://vault.azure.net",
      iss: `https://sts.windows.net/${CONTOSO}/`,
      ver: "1.0",
      tid: CONTOSO,
      appid: CMK_APP,
      oid: spId,
      appidacr: "2",
    });
  });

  it.each([
    ["issuer", { issuer: `${"https://login.microsoftonline.com"}/${ISV}/v2.0` }, "700211"],
    ["subject", { subject: "00000000-0000-4000-8000-000000000000" }, "700213"],
    ["audience", { audiences: ["api://AzureADTokenExchangeUSGov"] }, "700212"],
    [
      "everything",
      { issuer: "https://token.actions.githubusercontent.com", subject: "repo:x", audiences: ["x"] },
      "70021",
    ],
  ])("reports a federated credential %s mismatch as Entra does", async (_what, patch, code) => {
    await grantConsentInContoso();
    setFic(patch);
    expect(await failureCode(customerVaultCredential())).toBe(code);
  });

  it("says when a subject differs from the credential's only in case (7002138)", async () => {
    await grantConsentInContoso();
    const mi = new ManagedIdentityCredential({ clientId: CMK_UAMI.clientId });
    const claims = claimsOf((await mi.getToken("api://AzureADTokenExchange/.default")).token);
    // A workload whose subject carries capitals (a GitHub repository, say), signed by the credential's issuer.
    const assertion = await emulator.emu.tokens.issue({
      ...claims,
      sub: "repo:Contoso/Keys:environment:prod",
    });
    const credential = (subject: string) => {
      setFic({ subject });
      return new ClientAssertionCredential(CONTOSO, CMK_APP, async () => assertion, {
        authorityHost: url,
        disableInstanceDiscovery: true,
      });
    };
    expect(await failureCode(credential("repo:contoso/keys:environment:prod"))).toBe("7002138");
    expect(await failureCode(credential("repo:contoso/other:environment:prod"))).toBe("700213");
  });

  it("refuses an expired assertion per the emulator clock (700024)", async () => {
    await grantConsentInContoso();
    const mi = new ManagedIdentityCredential({ clientId: CMK_UAMI.clientId });
    const assertion = (await mi.getToken("api://AzureADTokenExchange/.default")).token;
    emulator.emu.clock.advance(25 * 3600);
    const credential = new ClientAssertionCredential(CONTOSO, CMK_APP, async () => assertion, {
      authorityHost: url,
      disableInstanceDiscovery: true,
    });
    expect(await failureCode(credential)).toBe("700024");
  });

  it("refuses an assertion whose signature does not verify (700027)", async () => {
    await grantConsentInContoso();
    const mi = new ManagedIdentityCredential({ clientId: CMK_UAMI.clientId });
    const [h, p] = (await mi.getToken("api://AzureADTokenExchange/.default")).token.split(".");
    const forged = `${h}.${p}.${Buffer.from("not a signature").toString("base64url")}`;
    const credential = new ClientAssertionCredential(CONTOSO, CMK_APP, async () => forged, {
      authorityHost: url,
      disableInstanceDiscovery: true,
    });
    expect(await failureCode(credential)).toBe("700027");
  });

  it("runs the same chain for the resource side (emu.federation)", async () => {
    const uamiResourceId = emulator.emu.directory.getUamiByClientId(CMK_UAMI.clientId)?.resourceId ?? "";
    const input = {
      uamiResourceId,
      federatedClientId: CMK_APP,
      tenantId: CONTOSO,
      resource: "https://vault.azure.net",
    };
    expect(await emulator.emu.federation.acquireForUami(input)).toMatchObject({ ok: false, aadsts: 700016 });
    await grantConsentInContoso();
    expect(await emulator.emu.federation.acquireForUami(input)).toMatchObject({
      ok: true,
      claims: { tid: CONTOSO, appid: CMK_APP },
    });
  });
});

describe("managed identity endpoint (App Service form)", () => {
  const get = (q: Record<string, string>, header = IDENTITY_HEADER) =>
    fetch(`${url}/msi/token?${new URLSearchParams({ "api-version": "2019-08-01", ...q })}`, {
      headers: { "X-IDENTITY-HEADER": header },
    });

  it("returns numbers as strings and a v1 ARM token naming the identity", async () => {
    const res = await get({ resource: "https://management.azure.com/", client_id: CMK_UAMI.clientId });
    const body = (await res.json()) as Record<string, unknown>;
    expect(typeof body.expires_on).toBe("string");
    expect(body).toMatchObject({
      resource: "https://management.azure.com/",
      token_type: "Bearer",
      client_id: CMK_UAMI.clientId,
    });
    expect(claimsOf(String(body.access_token))).toMatchObject({
      aud: "https://management.azure.com/",
      ver: "1.0",
      oid: CMK_UAMI.principalId,
      xms_mirid: expect.stringContaining("/crosskey-cmk"),
    });
  });

  it("rejects a wrong header, a missing identity (no system-assigned) and an unknown one", async () => {
    expect(
      (await get({ resource: "https://vault.azure.net", client_id: CMK_UAMI.clientId }, "wrong")).status,
    ).toBe(401);
    expect((await get({ resource: "https://vault.azure.net" })).status).toBe(400);
    expect(
      (await get({ resource: "https://vault.azure.net", client_id: "99999999-9999-4999-8999-999999999999" }))
        .status,
    ).toBe(400);
  });
});
