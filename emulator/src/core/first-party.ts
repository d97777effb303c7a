/**
 * Microsoft first-party applications that exist (with a service principal) in every tenant. `tokenVersion`
 * is the access-token version Entra issues for the resource (docs/azure-contracts.md §2.4): ARM, Key Vault, Managed
 * HSM and Graph accept v1 tokens; the token-exchange audience gets v2 tokens.
 */
export interface FirstPartyApp {
  appId: string;
  displayName: string;
  identifierUris: string[];
  tokenVersion: 1 | 2;
  publicClient?: boolean;
}

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const TOKEN_EXCHANGE_APP_ID = "fb60f99c-7a34-4190-8149-302f77469936";
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
export const MICROSOFT_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

export const FIRST_PARTY_APPS: FirstPartyApp[] = [
  {
    appId: GRAPH_APP_ID,
    displayName: "Microsoft Graph",
    identifierUris: ["https://graph.microsoft.com", "https://graph.microsoft.com/"],
    tokenVersion: 1,
  },
  {
    appId: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    displayName: "Windows Azure Service Management API",
    identifierUris: [
      "https://management.azure.com/",
      "https://management.core.windows.net/",
      "https://management.azure.com",
      "https://management.core.windows.net",
    ],
    tokenVersion: 1,
  },
  {
    appId: "cfa8b339-82a2-471a-a3c9-0fc0be7a4093",
    displayName: "Azure Key Vault",
    identifierUris: ["https://vault.azure.net"],
    tokenVersion: 1,
  },
  {
    appId: "589d5083-6f11-4d30-a62a-a4b316a14abf",
    displayName: "Azure Key Vault Managed HSM",
    identifierUris: ["https://managedhsm.azure.net"],
    tokenVersion: 1,
  },
  {
    appId: TOKEN_EXCHANGE_APP_ID,
    displayName: "AAD Token Exchange Endpoint",
    identifierUris: [TOKEN_EXCHANGE_AUDIENCE],
    tokenVersion: 2,
  },
  {
    appId: AZURE_CLI_APP_ID,
    displayName: "Microsoft Azure CLI",
    identifierUris: [],
    tokenVersion: 1,
    publicClient: true,
  },
];

export const findFirstPartyApp = (appId: string): FirstPartyApp | undefined =>
  FIRST_PARTY_APPS.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
