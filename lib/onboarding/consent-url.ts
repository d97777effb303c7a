import "server-only";
import { getCloud, getEnv } from "@/lib/env";

/** How long a consent `state` may wait for its callback. */
export const CONSENT_STATE_TTL_MS = 10 * 60_000;

export const consentRedirectUri = () =>
  new URL("/onboard/consent-callback", getEnv().APP_BASE_URL).toString();

/** Entra's tenant-specific v2 admin-consent URL: only an admin of `tenantId` can grant it. */
export function adminConsentUrl(tenantId: string, state: string): string {
  const cloud = getCloud();
  const url = new URL(`${cloud.authorityHost}/${tenantId}/v2.0/adminconsent`);
  url.searchParams.set("client_id", getEnv().CMK_APP_CLIENT_ID);
  // The app needs no permissions in the customer's tenant; /.default on Graph only creates its service principal.
  url.searchParams.set("scope", cloud.scopes.graph);
  url.searchParams.set("redirect_uri", consentRedirectUri());
  url.searchParams.set("state", state);
  return url.toString();
}
