import { METADATA_API_VERSIONS } from "../core/api-versions.js";
import { ArmError } from "./errors.js";

/**
 * ARM's unauthenticated cloud metadata, `GET {resourceManager}/metadata/endpoints?api-version=…` (Microsoft Learn,
 * "Azure Resource Manager metadata endpoints"; read by `az cloud register --endpoint-resource-manager`, which sends
 * 2015-01-01 and reads `galleryEndpoint`, `graphEndpoint`, `authentication.loginEndpoint` and
 * `authentication.audiences[0]`). 2015-01-01 answers the cloud of the host asked; 2019-05-01 and later answer a
 * list of clouds in the newer shape. Reached on one of Azure's ARM host names (proxy mode) it answers that cloud's
 * real endpoints; reached on the emulator's own host, it names the emulator for login and ARM.
 */
interface Cloud {
  name: string;
  arm: string;
  login: string;
  portal: string;
  gallery: string;
  graph: string;
  msGraph: string;
  keyVaultDns: string;
  mhsmDns: string;
  storage: string;
  sqlServerHostname: string;
}

const CLOUDS: Cloud[] = [
  {
    name: "AzureCloud",
    arm: "management.azure.com",
    login: "https://login.microsoftonline.com",
    portal: "https://portal.azure.com",
    gallery: "https://gallery.azure.com/",
    graph: "https://graph.windows.net/",
    msGraph: "https://graph.microsoft.com/",
    keyVaultDns: "vault.azure.net",
    mhsmDns: "managedhsm.azure.net",
    storage: "core.windows.net",
    sqlServerHostname: "database.windows.net",
  },
  {
    name: "AzureChinaCloud",
    arm: "management.chinacloudapi.cn",
    login: "https://login.chinacloudapi.cn",
    portal: "https://portal.azure.cn",
    gallery: "https://gallery.chinacloudapi.cn/",
    graph: "https://graph.chinacloudapi.cn/",
    msGraph: "https://microsoftgraph.chinacloudapi.cn/",
    keyVaultDns: "vault.azure.cn",
    mhsmDns: "managedhsm.azure.cn",
    storage: "core.chinacloudapi.cn",
    sqlServerHostname: "database.chinacloudapi.cn",
  },
  {
    name: "AzureUSGovernment",
    arm: "management.usgovcloudapi.net",
    login: "https://login.microsoftonline.us",
    portal: "https://portal.azure.us",
    gallery: "https://gallery.usgovcloudapi.net/",
    graph: "https://graph.windows.net/",
    msGraph: "https://graph.microsoft.us/",
    keyVaultDns: "vault.usgovcloudapi.net",
    mhsmDns: "managedhsm.usgovcloudapi.net",
    storage: "core.usgovcloudapi.net",
    sqlServerHostname: "database.usgovcloudapi.net",
  },
];

/** The token audiences ARM of that cloud accepts: the classic `management.core…` one first, then its own host. */
const audiences = (c: Cloud) => [
  c.name === "AzureCloud"
    ? "https://management.core.windows.net/"
    : `https://${c.arm.replace(/^management\./, "management.core.")}/`,
  `https://${c.arm}/`,
];

function emulatorCloud(base: string): Cloud {
  const pub = CLOUDS[0] as Cloud;
  return { ...pub, name: "CrosskeyEmulator", arm: new URL(base).host, login: base, portal: base };
}

function v2015(c: Cloud, own: boolean) {
  return {
    galleryEndpoint: c.gallery,
    graphEndpoint: c.graph,
    portalEndpoint: `${c.portal}/`,
    authentication: {
      loginEndpoint: `${c.login}/`,
      audiences: own ? audiences(CLOUDS[0] as Cloud) : audiences(c),
    },
  };
}

function v2019(c: Cloud, own: boolean) {
  return {
    portal: c.portal,
    authentication: {
      loginEndpoint: c.login,
      audiences: own ? audiences(CLOUDS[0] as Cloud) : audiences(c),
      tenant: "common",
      identityProvider: "AAD",
    },
    graphAudience: c.graph,
    graph: c.graph,
    name: c.name,
    suffixes: {
      keyVaultDns: c.keyVaultDns,
      mhsmDns: c.mhsmDns,
      storage: c.storage,
      sqlServerHostname: c.sqlServerHostname,
    },
    resourceManager: `https://${c.arm}/`,
    microsoftGraphResourceId: c.msGraph,
  };
}

/** The body for `GET /metadata/endpoints` reached on `host`; `base` is the emulator's own base URL. */
export function metadataEndpoints(host: string, base: string, apiVersion: string | undefined): unknown {
  if (!apiVersion)
    throw new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  if (!METADATA_API_VERSIONS.includes(apiVersion))
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${METADATA_API_VERSIONS.join(",")}'.`,
    );
  const real = CLOUDS.find((c) => c.arm === host.toLowerCase().replace(/:443$/, ""));
  const cloud = real ?? emulatorCloud(base);
  if (apiVersion === "2015-01-01") return v2015(cloud, !real);
  return real ? CLOUDS.map((c) => v2019(c, false)) : [v2019(cloud, true)];
}
