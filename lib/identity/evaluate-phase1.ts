import "server-only";
import { randomUUID } from "node:crypto";
import type { FederatedCredential, FederatedCredentialBody, GraphApplication } from "@/lib/azure/graph";
import type { RoleGrant } from "@/lib/azure/arm-identity";
import type { EncryptionIdentity } from "./encryption-identities";
import type { FindingStatus, Phase1Finding, Phase1Report } from "./phase1-types";

/** Entra ID allows 20 federated identity credentials per application. */
export const FEDERATED_CREDENTIAL_LIMIT = 20;

/**
 * Built-in role GUIDs (https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles).
 * Owner and Contributor include Managed Identity Operator's assign action.
 */
export const ROLES = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
} as const;

const ROLE_NAMES: Record<string, string> = {
  [ROLES.owner]: "Owner",
  [ROLES.contributor]: "Contributor",
  [ROLES.managedIdentityOperator]: "Managed Identity Operator",
};

/** What the configuration says Phase 1 should look like. */
export interface Phase1Expectations {
  tenantId: string;
  cmkAppId: string;
  signInAppId: string;
  appBaseUrl: string;
  /** `{authority host}/{ISV tenant}/v2.0`: the issuer of the encryption identities' tokens. */
  issuer: string;
  audience: string;
  graphUrl: string;
  subscriptions: string[];
  identities: EncryptionIdentity[];
}

/** What Graph and ARM said. */
export interface Phase1Facts {
  cmkApp: GraphApplication | null;
  credentials: FederatedCredential[];
  signInApp: GraphApplication | null;
  appPrincipalId: string;
  /** `grants` is null when ARM refused to list them: the app then holds no role there that reads them. */
  identities: {
    name: string;
    found: { clientId: string; principalId: string } | null;
    grants: RoleGrant[] | null;
  }[];
  subscriptions: { subscriptionId: string; grants: RoleGrant[] | null }[];
}

const lower = (s: string) => s.toLowerCase();
const covers = (grantScope: string, target: string) => {
  const g = lower(grantScope).replace(/\/+$/, "");
  const t = lower(target);
  return g === "" || t === g || t.startsWith(`${g}/`);
};
const json = (value: unknown) => JSON.stringify(value);

/** Every Phase 1 check, from facts already gathered: pure, so each fault has a unit test. */
export function evaluatePhase1(x: Phase1Expectations, f: Phase1Facts, now = new Date()): Phase1Report {
  const findings: Phase1Finding[] = [
    ...checkCmkApp(x, f.cmkApp),
    ...checkCredentials(x, f),
    ...checkIdentities(x, f),
    ...checkRoles(x, f),
    ...checkSignInApp(x, f.signInApp),
  ];
  const trustOf = (c: FederatedCredential) =>
    x.identities.find((i) => lower(c.subject) === i.principalId && c.issuer === x.issuer)?.name ?? null;
  return {
    checkedAt: now.toISOString(),
    status: worst(findings.map((s) => s.status)),
    findings,
    capacity: { used: f.credentials.length, limit: FEDERATED_CREDENTIAL_LIMIT },
    credentials: f.credentials.map((c) => ({ ...c, trusts: trustOf(c) })),
    identities: x.identities.map((i) => ({
      name: i.name,
      resourceId: i.resourceId,
      clientId: i.clientId,
      principalId: i.principalId,
      regions: i.regions,
      credential: f.credentials.find((c) => trustOf(c) === i.name && matches(x, i, c))?.name ?? null,
    })),
  };
}

export function worst(statuses: FindingStatus[]): FindingStatus {
  return statuses.includes("error") ? "error" : statuses.includes("warning") ? "warning" : "ok";
}

function checkCmkApp(x: Phase1Expectations, app: GraphApplication | null): Phase1Finding[] {
  const callback = `${x.appBaseUrl}/onboard/consent-callback`;
  if (!app) {
    return [
      {
        id: "cmk-app.exists",
        area: "cmk-app",
        status: "error",
        title: "The CMK app registration does not exist",
        detail: `No app registration with client ID ${x.cmkAppId} exists in the ISV tenant ${x.tenantId}. Customers have nothing to consent to.`,
        fix: "Register a multi-tenant app with the consent callback as a web redirect URI, then set CMK_APP_CLIENT_ID to its client ID.",
        command: `az ad app create --display-name "Crosskey encryption" --sign-in-audience AzureADMultipleOrgs --web-redirect-uris ${callback}`,
      },
    ];
  }
  const audience = app.signInAudience ?? "unknown";
  const multiTenant = audience === "AzureADMultipleOrgs" || audience === "AzureADandPersonalMicrosoftAccount";
  const publisher = app.verifiedPublisher?.verifiedPublisherId ?? app.verifiedPublisher?.displayName;
  const redirects = app.web?.redirectUris ?? [];
  return [
    multiTenant
      ? ok("cmk-app.audience", "cmk-app", "The CMK app is multi-tenant", `signInAudience is ${audience}.`)
      : {
          id: "cmk-app.audience",
          area: "cmk-app",
          status: "error",
          title: "The CMK app is single-tenant",
          detail: `signInAudience is ${audience}: customers' tenants cannot consent to it, and no token can be issued there.`,
          fix: "Make the app registration multi-tenant (accounts in any organizational directory).",
          command: `az ad app update --id ${x.cmkAppId} --sign-in-audience AzureADMultipleOrgs`,
        },
    publisher
      ? ok("cmk-app.publisher", "cmk-app", "The publisher is verified", `Verified publisher: ${publisher}.`)
      : {
          id: "cmk-app.publisher",
          area: "cmk-app",
          status: "warning",
          title: "The publisher is not verified",
          detail:
            'Customers\' admins see the app marked "unverified" in the consent prompt, and tenants that only allow consent to verified publishers block it.',
          fix: "Verify your Microsoft AI Cloud Partner Program (MPN) ID in Partner Center, then set it on the app registration (https://learn.microsoft.com/en-us/entra/identity-platform/mark-app-as-publisher-verified).",
          command: `az rest --method POST --url "${x.graphUrl}/applications/${app.id}/setVerifiedPublisher" --body '{"verifiedPublisherId":"<your MPN ID>"}'`,
        },
    redirects.includes(callback)
      ? ok(
          "cmk-app.redirect",
          "cmk-app",
          "The consent callback is registered",
          `Web redirect URI ${callback}.`,
        )
      : {
          id: "cmk-app.redirect",
          area: "cmk-app",
          status: "error",
          title: "The consent callback is not a redirect URI",
          detail: `${callback} is not among the app's web redirect URIs (${redirects.join(", ") || "none"}): Entra stops customers after consent with AADSTS50011.`,
          fix: "Add the callback to the app's web redirect URIs, keeping the ones it has.",
          command: `az ad app update --id ${x.cmkAppId} --web-redirect-uris ${[...redirects, callback].join(" ")}`,
        },
  ];
}

/** What the credential of one encryption identity must say. */
export function expectedCredential(
  x: Phase1Expectations,
  identity: EncryptionIdentity,
): FederatedCredentialBody {
  return {
    name: identity.name,
    issuer: x.issuer,
    subject: identity.principalId,
    audiences: [x.audience],
    description: `Lets the encryption identity ${identity.name} act as the CMK app in customer tenants.`,
  };
}

function matches(x: Phase1Expectations, identity: EncryptionIdentity, c: FederatedCredential): boolean {
  return (
    // Entra compares the subject case-sensitively (AADSTS7002138 when only the case differs); tokens carry the
    // principal ID in lower case.
    c.subject === identity.principalId &&
    c.issuer === x.issuer &&
    c.audiences.length === 1 &&
    c.audiences[0] === x.audience
  );
}

function checkCredentials(x: Phase1Expectations, f: Phase1Facts): Phase1Finding[] {
  if (!f.cmkApp) return [];
  const used = f.credentials.length;
  const full = used >= FEDERATED_CREDENTIAL_LIMIT;
  const findings: Phase1Finding[] = [
    full
      ? {
          id: "credentials.capacity",
          area: "credentials",
          status: "error",
          title: `All ${FEDERATED_CREDENTIAL_LIMIT} federated credentials are used`,
          detail: `The CMK app holds ${used} of ${FEDERATED_CREDENTIAL_LIMIT} federated credentials: no further encryption identity can be federated, and a broken credential cannot be replaced by a new one.`,
          fix: "Delete credentials that trust no identity in use (see the list below), or move identities into a pool that shares fewer credentials.",
          command: `az ad app federated-credential list --id ${x.cmkAppId} --query "[].{name:name,subject:subject}" -o table`,
        }
      : {
          id: "credentials.capacity",
          area: "credentials",
          status: used >= FEDERATED_CREDENTIAL_LIMIT - 4 ? "warning" : "ok",
          title: `${used} of ${FEDERATED_CREDENTIAL_LIMIT} federated credentials used`,
          detail: `${FEDERATED_CREDENTIAL_LIMIT - used} left for new encryption identities.`,
        },
  ];
  for (const identity of x.identities) {
    const want = expectedCredential(x, identity);
    const exact = f.credentials.find((c) => matches(x, identity, c));
    if (exact) {
      findings.push(
        ok(
          `credentials.${identity.name}`,
          "credentials",
          `${identity.name} is federated into the CMK app`,
          `Credential "${exact.name}": issuer ${exact.issuer}, subject ${exact.subject}, audience ${x.audience}.`,
        ),
      );
      continue;
    }
    const near =
      f.credentials.find((c) => lower(c.subject) === identity.principalId) ??
      f.credentials.find((c) => c.name === identity.name);
    const credentialsUrl = `${x.graphUrl}/applications(appId='${x.cmkAppId}')/federatedIdentityCredentials`;
    if (near) {
      const wrong = [
        lower(near.subject) !== identity.principalId &&
          `its subject is ${near.subject}, not the identity's principal ID ${identity.principalId}`,
        near.subject !== identity.principalId &&
          lower(near.subject) === identity.principalId &&
          `its subject ${near.subject} differs from the principal ID ${identity.principalId} in case only, and Entra compares subjects case-sensitively`,
        near.issuer !== x.issuer && `its issuer is ${near.issuer}, not ${x.issuer}`,
        !(near.audiences.length === 1 && near.audiences[0] === x.audience) &&
          `its audience is ${near.audiences.join(", ") || "empty"}, not ${x.audience}`,
      ].filter((w): w is string => typeof w === "string");
      const { name: _name, ...patch } = want;
      findings.push({
        id: `credentials.${identity.name}`,
        area: "credentials",
        status: "error",
        title: `The credential for ${identity.name} is wrong`,
        detail: `Credential "${near.name}" is meant for ${identity.name}, but ${wrong.join("; ")}. Entra refuses the identity's token exchange (AADSTS700211/700212/700213/7002138), so no customer key can be reached.`,
        fix: `Correct the credential "${near.name}" to trust ${identity.name}. Crosskey can do it for you.`,
        command: `az ad app federated-credential update --id ${x.cmkAppId} --federated-credential-id ${near.id} --parameters '${json(patch)}'`,
        repair: {
          identity: identity.name,
          method: "PATCH",
          credentialId: near.id,
          url: `${credentialsUrl}/${near.id}`,
          body: patch,
        },
      });
      continue;
    }
    findings.push({
      id: `credentials.${identity.name}`,
      area: "credentials",
      status: "error",
      title: `No credential trusts ${identity.name}`,
      detail: `The CMK app has no federated credential with subject ${identity.principalId}: the identity cannot act as the app in any customer tenant (AADSTS70021).`,
      fix: full
        ? `Free a slot first (all ${FEDERATED_CREDENTIAL_LIMIT} are used), then create the credential.`
        : `Create the credential. Crosskey can do it for you.`,
      command: `az ad app federated-credential create --id ${x.cmkAppId} --parameters '${json(want)}'`,
      ...(full
        ? {}
        : { repair: { identity: identity.name, method: "POST" as const, url: credentialsUrl, body: want } }),
    });
  }
  return findings;
}

function checkIdentities(x: Phase1Expectations, f: Phase1Facts): Phase1Finding[] {
  return x.identities.map((identity): Phase1Finding => {
    const seen = f.identities.find((s) => s.name === identity.name)?.found;
    const id = `identities.${identity.name}`;
    if (!seen) {
      const [, sub, rg] =
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(identity.resourceId) ?? [];
      return {
        id,
        area: "identities",
        status: "error",
        title: `The identity ${identity.name} does not exist`,
        detail: `ARM has no ${identity.resourceId}. Resources set to use it lose access to their customers' keys.`,
        fix: "Create the identity again, then put its new client and principal IDs in the configuration and repair its federated credential.",
        command: `az identity create --name ${identity.name} --resource-group ${rg ?? "<group>"} --subscription ${sub ?? "<subscription>"}`,
      };
    }
    const wrong = [
      lower(seen.clientId) !== identity.clientId &&
        `client ID is ${seen.clientId} (configured: ${identity.clientId})`,
      lower(seen.principalId) !== identity.principalId &&
        `principal ID is ${seen.principalId} (configured: ${identity.principalId})`,
    ].filter((w): w is string => typeof w === "string");
    return wrong.length === 0
      ? ok(
          id,
          "identities",
          `The identity ${identity.name} exists`,
          `Client ID ${seen.clientId}, principal ID ${seen.principalId}.`,
        )
      : {
          id,
          area: "identities",
          status: "error",
          title: `The identity ${identity.name} is not the one configured`,
          detail: `In Azure its ${wrong.join("; ")}. It was probably deleted and created again.`,
          fix: "Put Azure's IDs in the configuration (CMK_UAMI_CLIENT_ID and CMK_UAMI_PRINCIPAL_ID, or its CMK_UAMI_POOL entry), then repair its federated credential.",
          command: `az identity show --ids ${identity.resourceId} --query "{clientId:clientId, principalId:principalId}"`,
        };
  });
}

function checkRoles(x: Phase1Expectations, f: Phase1Facts): Phase1Finding[] {
  const findings: Phase1Finding[] = [];
  for (const { subscriptionId, grants } of f.subscriptions) {
    const scope = `/subscriptions/${subscriptionId}`;
    const held = grants?.find(
      (g) => covers(g.scope, scope) && [ROLES.owner, ROLES.contributor].includes(g.roleDefinitionId as never),
    );
    findings.push(
      held
        ? ok(
            `roles.subscription.${subscriptionId}`,
            "roles",
            `The app can write resources in ${subscriptionId}`,
            `${ROLE_NAMES[held.roleDefinitionId] ?? held.roleDefinitionId} at ${held.scope}.`,
          )
        : {
            id: `roles.subscription.${subscriptionId}`,
            area: "roles",
            status: "error",
            title: `The app cannot apply keys in subscription ${subscriptionId}`,
            detail: `Crosskey's identity (${f.appPrincipalId}) holds no Contributor or Owner role on ${scope}${grants ? "" : " (ARM does not even let it read the role assignments there)"}: writing a resource's encryption settings fails with AuthorizationFailed.`,
            fix: "Give the app's identity Contributor on the subscription (or the service-specific contributor roles on the resources it encrypts).",
            command: `az role assignment create --assignee-object-id ${f.appPrincipalId} --assignee-principal-type ServicePrincipal --role Contributor --scope ${scope}`,
          },
    );
  }
  for (const identity of x.identities) {
    const grants = f.identities.find((s) => s.name === identity.name)?.grants ?? [];
    const held = grants?.find(
      (g) =>
        covers(g.scope, identity.resourceId) &&
        [ROLES.managedIdentityOperator, ROLES.owner, ROLES.contributor].includes(g.roleDefinitionId as never),
    );
    findings.push(
      held
        ? ok(
            `roles.operator.${identity.name}`,
            "roles",
            `The app may assign ${identity.name} to resources`,
            `${ROLE_NAMES[held.roleDefinitionId] ?? held.roleDefinitionId} at ${held.scope}.`,
          )
        : {
            id: `roles.operator.${identity.name}`,
            area: "roles",
            status: "error",
            title: `The app may not assign ${identity.name} to resources`,
            detail: `Crosskey's identity holds no Managed Identity Operator role on ${identity.resourceId}: setting it on a resource fails with LinkedAuthorizationFailed.`,
            fix: "Give the app's identity Managed Identity Operator on the encryption identity.",
            command: `az role assignment create --assignee-object-id ${f.appPrincipalId} --assignee-principal-type ServicePrincipal --role "Managed Identity Operator" --scope ${identity.resourceId}`,
          },
    );
  }
  return findings;
}

const SIGN_IN_ROLES = ["Operator", "Support", "Admin"];

function checkSignInApp(x: Phase1Expectations, app: GraphApplication | null): Phase1Finding[] {
  if (!app) {
    return [
      {
        id: "signin-app.exists",
        area: "signin-app",
        status: "error",
        title: "The sign-in app registration does not exist",
        detail: `No app registration with client ID ${x.signInAppId} exists in the ISV tenant: nobody can sign in to the console.`,
        fix: "Register the sign-in app and set SIGNIN_APP_CLIENT_ID to its client ID.",
        command: `az ad app create --display-name "Crosskey" --sign-in-audience AzureADMultipleOrgs --web-redirect-uris ${x.appBaseUrl}/auth/callback`,
      },
    ];
  }
  const web = `${x.appBaseUrl}/auth/callback`;
  const spa = `${x.appBaseUrl}/onboard/signed-in`;
  const webUris = app.web?.redirectUris ?? [];
  const spaUris = app.spa?.redirectUris ?? [];
  const roles = app.appRoles.filter((r) => r.isEnabled !== false).map((r) => r.value ?? "");
  const missingRoles = SIGN_IN_ROLES.filter((r) => !roles.includes(r));
  const appUrl = `${x.graphUrl}/applications(appId='${x.signInAppId}')`;
  return [
    webUris.includes(web) && spaUris.includes(spa)
      ? ok(
          "signin-app.redirects",
          "signin-app",
          "The sign-in app's redirect URIs are registered",
          `Web ${web}, single-page ${spa}.`,
        )
      : {
          id: "signin-app.redirects",
          area: "signin-app",
          status: "error",
          title: "The sign-in app lacks a redirect URI",
          detail: [
            !webUris.includes(web) && `web ${web} is missing (operators cannot sign in)`,
            !spaUris.includes(spa) && `single-page ${spa} is missing (customers cannot sign in)`,
          ]
            .filter(Boolean)
            .join("; "),
          fix: "Add the missing redirect URIs, keeping the ones the app has.",
          command: `az rest --method PATCH --url "${appUrl}" --body '${json({
            web: { redirectUris: [...new Set([...webUris, web])] },
            spa: { redirectUris: [...new Set([...spaUris, spa])] },
          })}'`,
        },
    missingRoles.length === 0
      ? ok(
          "signin-app.roles",
          "signin-app",
          "The sign-in app defines Operator, Support and Admin",
          "Assign them to your staff in Enterprise applications.",
        )
      : {
          id: "signin-app.roles",
          area: "signin-app",
          status: "error",
          title: `The sign-in app lacks the role${missingRoles.length > 1 ? "s" : ""} ${missingRoles.join(", ")}`,
          detail: "Console access is decided by these app roles; without them nobody can hold them.",
          fix: "Add the missing app roles (allowed member type User), keeping the existing ones, then assign them to your staff.",
          // Graph replaces the whole list on PATCH: the existing roles go back with the new ones.
          command: `az rest --method PATCH --url "${appUrl}" --body '${json({
            appRoles: [
              ...app.appRoles,
              ...missingRoles.map((value) => ({
                id: randomUUID(),
                allowedMemberTypes: ["User"],
                description: value,
                displayName: value,
                isEnabled: true,
                value,
              })),
            ],
          })}'`,
        },
  ];
}

function ok(id: string, area: Phase1Finding["area"], title: string, detail: string): Phase1Finding {
  return { id, area, status: "ok", title, detail };
}
