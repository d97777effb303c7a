import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { CMK_APP, CONTOSO, startEmulator } from "./identity-helpers.js";

/** Admin consent over plain HTTP, following the emulator's HTML forms as a browser would. */
let emulator: RunningEmulator;
let url: string;
const CALLBACK = "http://localhost:3000/onboard/consent-callback";

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.emu.reset());

const consentUrl = (q: Record<string, string>) =>
  `${url}/${CONTOSO}/v2.0/adminconsent?${new URLSearchParams({ client_id: CMK_APP, scope: "https://graph.microsoft.com/.default", redirect_uri: CALLBACK, state: "st-123", ...q })}`;

const formField = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? "";

async function post(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${url}${path}`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

/** Opens the consent URL, picks `upn` on the account page; returns the next response. */
async function signInAs(upn: string, q: Record<string, string> = {}): Promise<Response> {
  const page = await (await fetch(consentUrl(q))).text();
  expect(page).toContain("Pick an account");
  expect(page).toContain("admin@contoso.onmicrosoft.com");
  return post(`/${CONTOSO}/v2.0/adminconsent`, { ctx: formField(page, "ctx"), login: upn });
}

async function decide(upn: string, decision: "accept" | "cancel"): Promise<URL> {
  const consent = await (await signInAs(upn)).text();
  expect(consent).toContain("Fabrikam Cloud Encryption");
  expect(consent).toContain("Fabrikam Cloud");
  const res = await post(`/${CONTOSO}/v2.0/adminconsent`, { ctx: formField(consent, "ctx"), decision });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

describe("admin consent (v2)", () => {
  it("creates the service principal and redirects with admin_consent=True", async () => {
    expect(emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP)).toBeUndefined();
    const back = await decide("admin@contoso.onmicrosoft.com", "accept");
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      admin_consent: "True",
      tenant: CONTOSO,
      scope: "https://graph.microsoft.com/.default",
      state: "st-123",
    });
    const sp = emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP);
    expect(sp?.id).not.toBe(
      emulator.emu.directory.findServicePrincipal(
        emulator.emu.directory.getApplication(CMK_APP)?.homeTenantId ?? "",
        CMK_APP,
      )?.id,
    );
  });

  it("reports Cancel as access_denied / cancel / AADSTS65004 and creates nothing", async () => {
    const back = await decide("admin@contoso.onmicrosoft.com", "cancel");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_subcode")).toBe("cancel");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS65004:/);
    expect(back.searchParams.get("state")).toBe("st-123");
    expect(emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP)).toBeUndefined();
  });

  it("stops a non-admin with AADSTS90094 and a way back to the app", async () => {
    const res = await signInAs("dev@contoso.onmicrosoft.com");
    const html = await res.text();
    expect(html).toContain("Need admin approval");
    const back = new URL(/id="return" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS90094:/);
    expect(back.searchParams.get("state")).toBe("st-123");
    expect(emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP)).toBeUndefined();
  });

  it("never redirects to an unregistered redirect URI (AADSTS50011 error page)", async () => {
    const res = await fetch(consentUrl({ redirect_uri: "https://evil.example/callback" }), {
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("AADSTS50011");
  });

  it("shows AADSTS700016 for an unknown application", async () => {
    const res = await fetch(consentUrl({ client_id: "99999999-9999-4999-8999-999999999999" }), {
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("AADSTS700016");
  });

  it("refuses an account of another tenant on a tenant-specific endpoint (AADSTS50020)", async () => {
    const res = await signInAs("admin@woodgrovebank.onmicrosoft.com");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("AADSTS50020");
  });
});
