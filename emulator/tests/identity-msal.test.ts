import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import {
  CONTOSO,
  ISV,
  SIGNIN_APP,
  SIGNIN_SECRET,
  aadsts,
  claimsOf,
  startEmulator,
} from "./identity-helpers.js";

/** MSAL node against the emulator with only custom-cloud options: https authority + knownAuthorities. */
let emulator: RunningEmulator;
let url: string;
const REDIRECT = "http://localhost:3000/auth/callback";

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.emu.reset());

const cca = (tenant: string, clientSecret = SIGNIN_SECRET) =>
  new ConfidentialClientApplication({
    auth: {
      clientId: SIGNIN_APP,
      authority: `${url}/${tenant}`,
      clientSecret,
      knownAuthorities: [new URL(url).host],
    },
  });

/** Follows the sign-in page like a person: open the authorize URL, pick `upn`, return the redirect. */
async function signIn(authorizeUrl: string, upn: string): Promise<URL> {
  const page = await (await fetch(authorizeUrl)).text();
  const ctx = /name="ctx" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const action = /action="([^"]+)"/.exec(page)?.[1] ?? "";
  const res = await fetch(`${url}${action}`, {
    method: "POST",
    body: new URLSearchParams({ ctx, login: upn }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

describe("client credentials (client secret)", () => {
  it("issues a v1 Graph token whose signature verifies against the tenant's JWKS", async () => {
    const result = await cca(ISV).acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    });
    const jwks = createRemoteJWKSet(new URL(`${url}/${ISV}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(result?.accessToken ?? "", jwks, {
      issuer: `https://sts.windows.net/${ISV}/`,
      audience: "https://graph.microsoft.com",
    });
    expect(payload).toMatchObject({ appid: SIGNIN_APP, appidacr: "1", tid: ISV, idtyp: "app", ver: "1.0" });
  });

  it("rejects a wrong secret (7000215), a scope without /.default (1002012) and two resources (700022)", async () => {
    const fail = (p: Promise<unknown>) => p.then(() => "none", aadsts);
    expect(
      await fail(
        cca(ISV, "wrong").acquireTokenByClientCredential({
          scopes: ["https://graph.microsoft.com/.default"],
        }),
      ),
    ).toBe("7000215");
    expect(
      await fail(
        cca(ISV).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/User.Read"] }),
      ),
    ).toBe("1002012");
    expect(
      await fail(
        cca(ISV).acquireTokenByClientCredential({
          scopes: ["https://graph.microsoft.com/.default", "https://vault.azure.net/.default"],
        }),
      ),
    ).toBe("700022");
  });
});

describe("authorization code + PKCE", () => {
  it("signs an operator in with app roles in the id token", async () => {
    const client = cca(ISV);
    const pkce = await new CryptoProvider().generatePkceCodes();
    const authUrl = await client.getAuthCodeUrl({
      scopes: ["openid", "profile"],
      redirectUri: REDIRECT,
      state: "s1",
      nonce: "n1",
      codeChallenge: pkce.challenge,
      codeChallengeMethod: "S256",
      responseMode: "query",
      prompt: "select_account",
    });
    const back = await signIn(authUrl, "ops-admin@fabrikamcloud.onmicrosoft.com");
    expect(back.searchParams.get("state")).toBe("s1");
    const result = await client.acquireTokenByCode({
      code: back.searchParams.get("code") ?? "",
      scopes: ["openid", "profile"],
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
      nonce: "n1", // MSAL node 7 rejects an id_token nonce it was not told to expect (nonce_mismatch)
    });
    expect(claimsOf(result.idToken)).toMatchObject({
      aud: SIGNIN_APP,
      tid: ISV,
      nonce: "n1",
      roles: ["Admin"],
      preferred_username: "ops-admin@fabrikamcloud.onmicrosoft.com",
      iss: `${url}/${ISV}/v2.0`,
    });
    expect(result.account?.tenantId).toBe(ISV);
  });

  it("refuses a wrong code_verifier (501481) and a second redemption (54005)", async () => {
    const client = cca(ISV);
    const pkce = await new CryptoProvider().generatePkceCodes();
    const authUrl = await client.getAuthCodeUrl({
      scopes: ["openid"],
      redirectUri: REDIRECT,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: "S256",
    });
    const code =
      (await signIn(authUrl, "operator@fabrikamcloud.onmicrosoft.com")).searchParams.get("code") ?? "";
    const redeem = (verifier: string) =>
      client
        .acquireTokenByCode({ code, scopes: ["openid"], redirectUri: REDIRECT, codeVerifier: verifier })
        .then(() => "ok", aadsts);
    expect(await redeem("wrong-verifier-wrong-verifier-wrong-verifier-1234")).toBe("501481");
    expect(await redeem(pkce.verifier)).toBe("ok");
    expect(await redeem(pkce.verifier)).toBe("54005");
  });

  it("creates the sign-in app's service principal for a customer user via organizations (user consent)", async () => {
    const pkce = await new CryptoProvider().generatePkceCodes();
    const q = new URLSearchParams({
      client_id: SIGNIN_APP,
      response_type: "code",
      redirect_uri: "http://localhost:3000/onboard/signed-in",
      scope: "openid profile offline_access",
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
      response_mode: "fragment",
      state: "spa",
    });
    const back = await signIn(
      `${url}/organizations/oauth2/v2.0/authorize?${q}`,
      "admin@contoso.onmicrosoft.com",
    );
    const code = new URLSearchParams(back.hash.slice(1)).get("code") ?? "";
    expect(emulator.emu.directory.findServicePrincipal(CONTOSO, SIGNIN_APP)).toBeDefined();
    const form = {
      grant_type: "authorization_code",
      client_id: SIGNIN_APP,
      code,
      redirect_uri: "http://localhost:3000/onboard/signed-in",
      code_verifier: pkce.verifier,
      scope: "openid profile offline_access",
    };
    // SPA codes are redeemable only cross-origin (AADSTS9002327), and then carry CORS headers.
    const serverSide = await fetch(`${url}/organizations/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams(form),
    });
    expect(((await serverSide.json()) as { error_codes: number[] }).error_codes).toEqual([9002327]);
    const browser = await fetch(`${url}/organizations/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: { origin: "http://localhost:3000" },
    });
    expect(browser.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    const tokens = (await browser.json()) as { id_token: string; refresh_token: string };
    expect(claimsOf(tokens.id_token)).toMatchObject({ tid: CONTOSO, aud: SIGNIN_APP });
    expect(tokens.refresh_token).toBeTruthy();
  });
});
