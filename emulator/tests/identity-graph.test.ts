import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import {
  APP_UAMI,
  CMK_APP,
  CONTOSO,
  ISV,
  SIGNIN_APP,
  SIGNIN_SECRET,
  miToken,
  startEmulator,
  userToken,
} from "./identity-helpers.js";

/** The Graph client with the custom-cloud options (baseUrl + customHosts) against the emulator. */
let emulator: RunningEmulator;
let url: string;

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.emu.reset());

const graph = (token: () => Promise<string>) =>
  Client.initWithMiddleware({
    authProvider: { getAccessToken: token },
    baseUrl: `${url}/graph`,
    customHosts: new Set(["localhost"]),
  });

/** The app's own identity (crosskey-app UAMI, Application.ReadWrite.OwnedBy on the CMK app it owns). */
const asApp = () => graph(() => miToken(url, APP_UAMI.clientId, "https://graph.microsoft.com"));
const asUser = (tenant: string, upn: string) =>
  graph(() => userToken(url, tenant, upn, "https://graph.microsoft.com/.default"));

async function failure(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphError) return { status: e.statusCode, code: e.code ?? "" };
    throw e;
  }
  throw new Error("expected a Graph error");
}

const fic = (name: string, subject = name) => ({
  name,
  issuer: `${url}/${ISV}/v2.0`,
  subject,
  audiences: ["api://AzureADTokenExchange"],
});

describe("service principals", () => {
  it("finds the app's SP by appId, by filter with $select, and 404s in a tenant without it", async () => {
    const sp = await asApp().api(`/servicePrincipals(appId='${CMK_APP}')`).get();
    expect(sp).toMatchObject({
      appId: CMK_APP,
      appOwnerOrganizationId: ISV,
      servicePrincipalType: "Application",
    });
    const list = await asApp()
      .api("/servicePrincipals")
      .filter(`appId eq '${CMK_APP}'`)
      .select("id,appId")
      .get();
    expect(list.value).toEqual([{ id: sp.id, appId: CMK_APP }]);
    const contosoAdmin = asUser(CONTOSO, "admin@contoso.onmicrosoft.com");
    expect(await failure(contosoAdmin.api(`/servicePrincipals(appId='${CMK_APP}')`).get())).toEqual({
      status: 404,
      code: "Request_ResourceNotFound",
    });
  });

  it("lets a customer admin create it once (201, then 409) and refuses a plain user (403)", async () => {
    const admin = asUser(CONTOSO, "admin@contoso.onmicrosoft.com");
    const created = await admin.api("/servicePrincipals").post({ appId: CMK_APP });
    expect(created.appId).toBe(CMK_APP);
    expect(created.id).not.toBe((await asApp().api(`/servicePrincipals(appId='${CMK_APP}')`).get()).id);
    expect(await failure(admin.api("/servicePrincipals").post({ appId: CMK_APP }))).toEqual({
      status: 409,
      code: "Request_MultipleObjectsWithSameKeyValue",
    });
    expect(
      await failure(admin.api("/servicePrincipals").post({ appId: "99999999-9999-4999-8999-999999999999" })),
    ).toMatchObject({ status: 400 });
    const dev = asUser("c0000000-0000-4000-8000-00000000c002", "dev@woodgrovebank.onmicrosoft.com");
    expect(await failure(dev.api("/servicePrincipals").post({ appId: CMK_APP }))).toEqual({
      status: 403,
      code: "Authorization_RequestDenied",
    });
  });

  it("lets a customer admin delete it (204): the app then gets no token in that tenant (AADSTS700016)", async () => {
    const admin = asUser(CONTOSO, "admin@contoso.onmicrosoft.com");
    const created = await admin.api("/servicePrincipals").post({ appId: CMK_APP });
    const dev = asUser("c0000000-0000-4000-8000-00000000c002", "dev@woodgrovebank.onmicrosoft.com");
    expect(await failure(dev.api(`/servicePrincipals/${created.id}`).delete())).toMatchObject({
      status: 403,
    });
    await admin.api(`/servicePrincipals/${created.id}`).delete();
    expect(await failure(admin.api(`/servicePrincipals/${created.id}`).get())).toMatchObject({ status: 404 });
    const exchange = await emulator.emu.federation.acquireForUami({
      uamiResourceId:
        "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk",
      federatedClientId: CMK_APP,
      tenantId: CONTOSO,
      resource: "https://vault.azure.net",
    });
    expect(exchange).toMatchObject({ ok: false, aadsts: 700016 });
  });
});

describe("federated identity credentials", () => {
  it("creates, reads, updates and deletes, with Graph's name rules", async () => {
    const base = `/applications(appId='${CMK_APP}')/federatedIdentityCredentials`;
    const created = await asApp().api(base).post(fic("ci-deploy"));
    expect(created).toMatchObject({ name: "ci-deploy", audiences: ["api://AzureADTokenExchange"] });
    expect((await asApp().api(`${base}/${created.id}`).get()).subject).toBe("ci-deploy");
    await asApp().api(`${base}/${created.id}`).patch({ subject: "changed" });
    expect((await asApp().api(base).filter("name eq 'ci-deploy'").get()).value[0].subject).toBe("changed");
    expect(await failure(asApp().api(`${base}/${created.id}`).patch({ name: "renamed" }))).toMatchObject({
      status: 400,
    });
    expect(await failure(asApp().api(base).post(fic("x")))).toMatchObject({
      status: 400,
      code: "Request_BadRequest",
    });
    expect(await failure(asApp().api(base).post(fic("-starts-with-dash")))).toMatchObject({ status: 400 });
    expect(
      await failure(
        asApp()
          .api(base)
          .post({ ...fic("dup-subject"), subject: "changed" }),
      ),
    ).toMatchObject({ status: 409 });
    await asApp().api(`${base}/${created.id}`).delete();
    expect(await failure(asApp().api(`${base}/${created.id}`).get())).toMatchObject({ status: 404 });
  });

  it("refuses the 21st credential of an application", async () => {
    const base = `/applications(appId='${CMK_APP}')/federatedIdentityCredentials`;
    for (let i = 2; i <= 20; i++)
      await asApp()
        .api(base)
        .post(fic(`fic-${i}`));
    expect((await asApp().api(base).get()).value).toHaveLength(20);
    expect(await failure(asApp().api(base).post(fic("fic-21")))).toMatchObject({
      status: 400,
      code: "Request_BadRequest",
    });
  });

  it("checks the caller's permission and token", async () => {
    // The sign-in app holds no Graph application permissions: app-only reads are refused.
    const noRoles = graph(async () => {
      const form = {
        grant_type: "client_credentials",
        client_id: SIGNIN_APP,
        client_secret: SIGNIN_SECRET,
        scope: "https://graph.microsoft.com/.default",
      };
      const res = await fetch(`${url}/${ISV}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams(form),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    });
    expect(await failure(noRoles.api(`/servicePrincipals(appId='${CMK_APP}')`).get())).toEqual({
      status: 403,
      code: "Authorization_RequestDenied",
    });
    const expired = graph(async () => {
      const t = await miToken(url, APP_UAMI.clientId, "https://graph.microsoft.com");
      emulator.emu.clock.advance(2 * 86_400);
      return t;
    });
    expect(await failure(expired.api("/organization").get())).toEqual({
      status: 401,
      code: "InvalidAuthenticationToken",
    });
  });
});

describe("tenant information", () => {
  it("returns the organization and any tenant's display name", async () => {
    expect((await asApp().api("/organization").get()).value[0]).toMatchObject({
      id: ISV,
      displayName: "Fabrikam Cloud",
    });
    const info = await asApp()
      .api(`/tenantRelationships/findTenantInformationByTenantId(tenantId='${CONTOSO}')`)
      .get();
    expect(info).toMatchObject({
      tenantId: CONTOSO,
      displayName: "Contoso",
      defaultDomainName: "contoso.onmicrosoft.com",
    });
  });
});
