/**
 * Cloud profiles: the one place that knows Azure's endpoints. Nothing else in the code builds an Azure URL
 * from scratch; it asks the active profile.
 */
export const CLOUD_NAMES = ["public", "china", "usgov", "emulator"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudProfile {
  name: CloudName;
  displayName: string;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string;
  /** Host:port MSAL must trust without instance discovery (only for hosts Microsoft does not ship metadata for). */
  knownAuthorities: string[];
  graphEndpoint: string;
  armEndpoint: string;
  /** Token scopes keep the real resource identifiers in every profile, the emulator included. */
  scopes: { arm: string; graph: string; keyVault: string; managedHsm: string };
  keyVaultSuffixes: string[];
  managedHsmSuffixes: string[];
  /** Audience of the managed-identity token presented as a federated client assertion. */
  tokenExchangeAudience: string;
  /** The customer-facing Azure portal. */
  portalUrl: string;
  /** How `az cloud set` names this cloud in the customer's scripts. */
  cliCloudName: string;
  /** How `Connect-AzAccount -Environment` names it. */
  powerShellEnvironment: string;
}

const PUBLIC: CloudProfile = {
  name: "public",
  displayName: "Azure (global)",
  authorityHost: "https://login.microsoftonline.com",
  knownAuthorities: [],
  graphEndpoint: "https://graph.microsoft.com",
  armEndpoint: "https://management.azure.com",
  scopes: {
    arm: "https://management.azure.com/.default",
    graph: "https://graph.microsoft.com/.default",
    keyVault: "https://vault.azure.net/.default",
    managedHsm: "https://managedhsm.azure.net/.default",
  },
  keyVaultSuffixes: ["vault.azure.net"],
  managedHsmSuffixes: ["managedhsm.azure.net"],
  tokenExchangeAudience: "api://AzureADTokenExchange",
  portalUrl: "https://portal.azure.com",
  cliCloudName: "AzureCloud",
  powerShellEnvironment: "AzureCloud",
};

const CHINA: CloudProfile = {
  name: "china",
  displayName: "Azure operated by 21Vianet (China)",
  authorityHost: "https://login.partner.microsoftonline.cn",
  knownAuthorities: [],
  graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
  armEndpoint: "https://management.chinacloudapi.cn",
  scopes: {
    arm: "https://management.chinacloudapi.cn/.default",
    graph: "https://microsoftgraph.chinacloudapi.cn/.default",
    keyVault: "https://vault.azure.cn/.default",
    managedHsm: "https://managedhsm.azure.cn/.default",
  },
  keyVaultSuffixes: ["vault.azure.cn"],
  managedHsmSuffixes: ["managedhsm.azure.cn"],
  tokenExchangeAudience: "api://AzureADTokenExchangeChina",
  portalUrl: "https://portal.azure.cn",
  cliCloudName: "AzureChinaCloud",
  powerShellEnvironment: "AzureChinaCloud",
};

const USGOV: CloudProfile = {
  name: "usgov",
  displayName: "Azure Government (US)",
  authorityHost: "https://login.microsoftonline.us",
  knownAuthorities: [],
  graphEndpoint: "https://graph.microsoft.us",
  armEndpoint: "https://management.usgovcloudapi.net",
  scopes: {
    arm: "https://management.usgovcloudapi.net/.default",
    graph: "https://graph.microsoft.us/.default",
    keyVault: "https://vault.usgovcloudapi.net/.default",
    managedHsm: "https://managedhsm.usgovcloudapi.net/.default",
  },
  keyVaultSuffixes: ["vault.usgovcloudapi.net"],
  managedHsmSuffixes: ["managedhsm.usgovcloudapi.net"],
  tokenExchangeAudience: "api://AzureADTokenExchangeUSGov",
  portalUrl: "https://portal.azure.us",
  cliCloudName: "AzureUSGovernment",
  powerShellEnvironment: "AzureUSGovernment",
};

/**
 * The local Azure in `emulator/` for the demo a person opens in a normal browser: sign-in, Graph and ARM at the
 * emulator's URL (a custom cloud, as the browser has no proxy). Key Vault keeps its real host names: the server
 * reaches `https://{vault}.vault.azure.net` through the emulator's proxy mode (HTTPS_PROXY), as in production.
 */
function emulatorProfile(emulatorUrl: string): CloudProfile {
  const base = new URL(emulatorUrl);
  const origin = base.origin;
  return {
    ...PUBLIC,
    name: "emulator",
    displayName: "Local Azure emulator",
    authorityHost: origin,
    knownAuthorities: [base.host],
    graphEndpoint: `${origin}/graph`,
    armEndpoint: origin,
    portalUrl: origin,
  };
}

export function getCloudProfile(name: CloudName, emulatorUrl?: string): CloudProfile {
  switch (name) {
    case "public":
      return PUBLIC;
    case "china":
      return CHINA;
    case "usgov":
      return USGOV;
    case "emulator":
      if (!emulatorUrl) throw new Error("The emulator cloud profile needs EMULATOR_URL");
      return emulatorProfile(emulatorUrl);
  }
}

/** The real-cloud profiles a customer may be in, for script variants. */
export const CUSTOMER_CLOUDS: readonly CloudProfile[] = [PUBLIC, CHINA, USGOV];
