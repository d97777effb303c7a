import type { Configuration } from "@azure/msal-browser";

/** What the server hands the browser for MSAL; kept in sessionStorage across the redirect to Microsoft. */
export interface CustomerMsalSettings {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  redirectUri: string;
  nonce: string;
  domainHint?: string;
}

export const MSAL_SETTINGS_KEY = "crosskey.customer-sign-in";

export function msalConfiguration(settings: CustomerMsalSettings): Configuration {
  return {
    auth: {
      clientId: settings.clientId,
      authority: settings.authority,
      knownAuthorities: settings.knownAuthorities,
      redirectUri: settings.redirectUri,
    },
    // The ID token is handed to the server once; nothing needs to outlive this tab.
    cache: { cacheLocation: "sessionStorage" },
  };
}
