import { describe, expect, it } from "vitest";
import {
  evaluatePhase1,
  type Phase1Expectations,
  type Phase1Facts,
} from "../../../lib/identity/evaluate-phase1";
import { pickEncryptionIdentity } from "../../../lib/identity/encryption-identities";

const principal = "55555555-5555-4555-8555-555555555555";
const identity = {
  name: "crosskey-cmk",
  resourceId:
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk",
  clientId: "44444444-4444-4444-8444-444444444444",
  principalId: principal,
  regions: [],
};
const x: Phase1Expectations = {
  tenantId: "t",
  cmkAppId: "cmk",
  signInAppId: "signin",
  appBaseUrl: "https://crosskey.example",
  issuer: "https://login.microsoftonline.com/t/v2.0",
  audience: "api://AzureADTokenExchange",
  graphUrl: "https://graph.microsoft.com/v1.0",
  subscriptions: ["s1"],
  identities: [identity],
};
const app = (over: object = {}) => ({
  id: "obj",
  appId: "cmk",
  signInAudience: "AzureADMultipleOrgs",
  web: {
    redirectUris: [
      "https://crosskey.example/onboard/consent-callback",
      "https://crosskey.example/auth/callback",
    ],
  },
  spa: { redirectUris: ["https://crosskey.example/onboard/signed-in"] },
  appRoles: ["Operator", "Support", "Admin"].map((value, i) => ({ id: String(i), value, isEnabled: true })),
  verifiedPublisher: { displayName: "Fabrikam", verifiedPublisherId: "123" },
  ...over,
});
const facts = (over: Partial<Phase1Facts> = {}): Phase1Facts => ({
  cmkApp: app(),
  signInApp: app({ appId: "signin" }),
  credentials: [
    { id: "c1", name: "crosskey-cmk", issuer: x.issuer, subject: principal, audiences: [x.audience] },
  ],
  appPrincipalId: "app-oid",
  identities: [
    {
      name: "crosskey-cmk",
      found: { clientId: identity.clientId, principalId: principal },
      grants: [{ scope: "/subscriptions/s1", roleDefinitionId: "f1a07417-d97a-45cb-824c-7a7467783830" }],
    },
  ],
  subscriptions: [
    {
      subscriptionId: "s1",
      grants: [{ scope: "/subscriptions/s1", roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c" }],
    },
  ],
  ...over,
});
const find = (f: Phase1Facts, id: string) => evaluatePhase1(x, f).findings.find((s) => s.id === id);

describe("[identity] Phase 1 evaluation", () => {
  it("is ok when everything matches", () => {
    expect(evaluatePhase1(x, facts()).status).toBe("ok");
  });

  it("warns about an unverified publisher, with the Graph call that sets one", () => {
    const f = find(
      facts({ cmkApp: app({ verifiedPublisher: { displayName: null, verifiedPublisherId: null } }) }),
      "cmk-app.publisher",
    )!;
    expect(f.status).toBe("warning");
    expect(f.detail).toMatch(/unverified/);
    expect(f.command).toContain("https://graph.microsoft.com/v1.0/applications/obj/setVerifiedPublisher");
  });

  it("names a missing consent callback and keeps the existing redirect URIs in the command", () => {
    const f = find(
      facts({ cmkApp: app({ web: { redirectUris: ["https://old.example/cb"] } }) }),
      "cmk-app.redirect",
    )!;
    expect(f.status).toBe("error");
    expect(f.command).toBe(
      "az ad app update --id cmk --web-redirect-uris https://old.example/cb https://crosskey.example/onboard/consent-callback",
    );
  });

  it("names the sign-in app's missing redirect URI and roles", () => {
    const signIn = app({
      appId: "signin",
      spa: { redirectUris: [] },
      appRoles: [{ id: "1", value: "Operator" }],
    });
    expect(find(facts({ signInApp: signIn }), "signin-app.redirects")?.detail).toMatch(
      /single-page https:\/\/crosskey.example\/onboard\/signed-in is missing/,
    );
    expect(find(facts({ signInApp: signIn }), "signin-app.roles")?.title).toBe(
      "The sign-in app lacks the roles Support, Admin",
    );
  });

  it("warns when the credentials are nearly used up", () => {
    const many = Array.from({ length: 16 }, (_, i) => ({
      id: `o${i}`,
      name: `o${i}`,
      issuer: "https://other",
      subject: `s${i}`,
      audiences: ["a"],
    }));
    const f = facts();
    expect(find({ ...f, credentials: [...f.credentials, ...many] }, "credentials.capacity")).toMatchObject({
      status: "warning",
      title: "17 of 20 federated credentials used",
    });
  });

  it("finds a credential whose subject differs only in case: Entra compares it case-sensitively (AADSTS7002138)", () => {
    const lettered = "5555abcd-5555-4555-8555-55555555abcd";
    const x2 = { ...x, identities: [{ ...identity, principalId: lettered }] };
    const f2 = (subject: string) =>
      facts({
        credentials: [{ id: "c1", name: "crosskey-cmk", issuer: x.issuer, subject, audiences: [x.audience] }],
        identities: [
          { ...facts().identities[0]!, found: { clientId: identity.clientId, principalId: lettered } },
        ],
      });
    const credential = (subject: string) =>
      evaluatePhase1(x2, f2(subject)).findings.find((s) => s.id === "credentials.crosskey-cmk");
    expect(credential(lettered)?.status).toBe("ok");
    const upper = credential(lettered.toUpperCase());
    expect(upper).toMatchObject({ status: "error", title: "The credential for crosskey-cmk is wrong" });
    expect(upper?.detail).toContain(
      "differs from the principal ID 5555abcd-5555-4555-8555-55555555abcd in case only",
    );
    expect(upper?.detail).toContain("AADSTS700211/700212/700213/7002138");
    expect(upper?.repair).toMatchObject({ method: "PATCH", body: { subject: lettered } });
  });

  it("finds an identity whose IDs changed (deleted and created again)", () => {
    const f = find(
      facts({
        identities: [
          {
            name: "crosskey-cmk",
            found: { clientId: identity.clientId, principalId: "99999999-0000-4000-8000-000000000000" },
            grants: [],
          },
        ],
      }),
      "identities.crosskey-cmk",
    )!;
    expect(f.title).toBe("The identity crosskey-cmk is not the one configured");
    expect(f.detail).toMatch(/principal ID is 99999999/);
  });

  it("accepts a role granted above the scope and refuses one granted elsewhere", () => {
    const elsewhere = facts({
      subscriptions: [
        {
          subscriptionId: "s1",
          grants: [{ scope: "/subscriptions/s2", roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c" }],
        },
      ],
    });
    expect(find(elsewhere, "roles.subscription.s1")?.status).toBe("error");
    const root = facts({
      subscriptions: [
        {
          subscriptionId: "s1",
          grants: [{ scope: "/", roleDefinitionId: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" }],
        },
      ],
    });
    expect(find(root, "roles.subscription.s1")?.status).toBe("ok");
  });

  it("picks a pool identity by region, the primary otherwise", () => {
    const eu = { ...identity, name: "crosskey-eu", regions: ["northeurope"] };
    expect(pickEncryptionIdentity([identity, eu], "northeurope").name).toBe("crosskey-eu");
    expect(pickEncryptionIdentity([identity, eu], "eastus").name).toBe("crosskey-cmk");
  });
});
