import "server-only";
import { ClientAssertionCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import { getCloud, getEnv } from "@/lib/env";

/**
 * Every credential the app uses. Production holds no secret: the app's own managed identity calls ARM and
 * Graph; the CMK identity's token is the client assertion for the multi-tenant app in customer tenants.
 */

let appCredential: ManagedIdentityCredential | undefined;
const assertionCredentials = new Map<string, ManagedIdentityCredential>();
const customerCredentials = new Map<string, ClientAssertionCredential>();

/** The app's own identity, for ARM and Graph in the ISV tenant. */
export function getAppCredential(): TokenCredential {
  appCredential ??= new ManagedIdentityCredential({ clientId: getEnv().APP_UAMI_CLIENT_ID });
  return appCredential;
}

/** A managed-identity token for the token-exchange audience: the assertion a federated credential accepts. */
export async function getFederatedAssertion(uamiClientId: string): Promise<string> {
  let credential = assertionCredentials.get(uamiClientId);
  if (!credential) {
    credential = new ManagedIdentityCredential({ clientId: uamiClientId });
    assertionCredentials.set(uamiClientId, credential);
  }
  const token = await credential.getToken(`${getCloud().tokenExchangeAudience}/.default`);
  return token.token;
}

/**
 * The multi-tenant CMK app acting in a customer tenant, authenticated by the CMK identity's federated
 * credential. One credential per tenant: its token cache then serves each tenant until shortly before expiry.
 */
export function getCustomerTenantCredential(tenantId: string): TokenCredential {
  let credential = customerCredentials.get(tenantId);
  if (!credential) {
    const { CMK_APP_CLIENT_ID, CMK_UAMI_CLIENT_ID } = getEnv();
    const cloud = getCloud();
    credential = new ClientAssertionCredential(
      tenantId,
      CMK_APP_CLIENT_ID,
      () => getFederatedAssertion(CMK_UAMI_CLIENT_ID),
      {
        authorityHost: cloud.authorityHost,
        // Microsoft's hosts are known to the SDK; the emulator's is not and must not be looked up online.
        disableInstanceDiscovery: cloud.knownAuthorities.length > 0,
      },
    );
    customerCredentials.set(tenantId, credential);
  }
  return credential;
}

/**
 * Forgets a tenant's credential and its cached tokens. Called when Key Vault refuses a cached token, so the
 * next attempt proves again that consent and the service principal still exist.
 */
export function evictCustomerTenantCredential(tenantId: string): void {
  customerCredentials.delete(tenantId);
}
