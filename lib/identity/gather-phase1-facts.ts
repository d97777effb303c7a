import "server-only";
import { findUserAssignedIdentity, getAppPrincipalId, listRoleGrants } from "@/lib/azure/arm-identity";
import { findApplication, listFederatedCredentials } from "@/lib/azure/graph";
import { getCloud, getEnv } from "@/lib/env";
import { getEncryptionIdentities } from "./encryption-identities";
import type { Phase1Expectations, Phase1Facts } from "./evaluate-phase1";

/** What the configuration says Phase 1 should be. */
export function getPhase1Expectations(): Phase1Expectations {
  const env = getEnv();
  const cloud = getCloud();
  return {
    tenantId: env.ISV_TENANT_ID.toLowerCase(),
    cmkAppId: env.CMK_APP_CLIENT_ID.toLowerCase(),
    signInAppId: env.SIGNIN_APP_CLIENT_ID.toLowerCase(),
    appBaseUrl: env.APP_BASE_URL.replace(/\/+$/, ""),
    issuer: `${cloud.authorityHost}/${env.ISV_TENANT_ID.toLowerCase()}/v2.0`,
    audience: cloud.tokenExchangeAudience,
    graphUrl: `${cloud.graphEndpoint}/v1.0`,
    subscriptions: env.ISV_SUBSCRIPTION_IDS,
    identities: getEncryptionIdentities(env),
  };
}

/** Reads Phase 1 as it is, through Graph and ARM with the app's own identity. Calls run side by side. */
export async function gatherPhase1Facts(x: Phase1Expectations): Promise<Phase1Facts> {
  const [cmkApp, signInApp, appPrincipalId] = await Promise.all([
    findApplication(x.cmkAppId),
    findApplication(x.signInAppId),
    getAppPrincipalId(),
  ]);
  const [credentials, identities, subscriptions] = await Promise.all([
    cmkApp ? listFederatedCredentials(x.cmkAppId) : Promise.resolve([]),
    Promise.all(
      x.identities.map(async (i) => {
        const found = await findUserAssignedIdentity(i.resourceId);
        // Role assignments at an identity that does not exist cannot be listed (and do not matter).
        return {
          name: i.name,
          found,
          grants: found ? await listRoleGrants(i.resourceId, appPrincipalId) : [],
        };
      }),
    ),
    Promise.all(
      x.subscriptions.map(async (subscriptionId) => ({
        subscriptionId,
        grants: await listRoleGrants(`/subscriptions/${subscriptionId}`, appPrincipalId),
      })),
    ),
  ]);
  return { cmkApp, credentials, signInApp, appPrincipalId, identities, subscriptions };
}
