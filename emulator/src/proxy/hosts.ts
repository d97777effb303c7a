/**
 * Azure's real host names that proxy mode answers for, per cloud, and where each goes inside the emulator.
 * Endpoints: https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud,
 * https://learn.microsoft.com/en-us/graph/deployments, https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates.
 */
import type { ProxiedHost, ProxyCloud } from "../core/origin.js";

export type { ProxiedHost, ProxiedService, ProxyCloud } from "../core/origin.js";

interface CloudHosts {
  cloud: ProxyCloud;
  /** The first is the authority the emulator names in issuers and challenges for this cloud. */
  login: string[];
  graph: string;
  arm: string;
  /** Vault and managed HSM DNS suffixes: `{name}.{suffix}`. */
  keyVaultSuffixes: string[];
}

export const PROXY_CLOUDS: readonly CloudHosts[] = [
  {
    cloud: "public",
    login: ["login.microsoftonline.com"],
    graph: "graph.microsoft.com",
    arm: "management.azure.com",
    keyVaultSuffixes: ["vault.azure.net", "managedhsm.azure.net"],
  },
  {
    cloud: "china",
    login: ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
    graph: "microsoftgraph.chinacloudapi.cn",
    arm: "management.chinacloudapi.cn",
    keyVaultSuffixes: ["vault.azure.cn", "managedhsm.azure.cn"],
  },
  {
    cloud: "usgov",
    login: ["login.microsoftonline.us"],
    graph: "graph.microsoft.us",
    arm: "management.usgovcloudapi.net",
    keyVaultSuffixes: ["vault.usgovcloudapi.net", "managedhsm.usgovcloudapi.net"],
  },
];

// A vault or managed HSM name: 3–24 letters, digits and dashes (Key Vault naming rules).
const VAULT_NAME = /^[a-z0-9-]{3,24}$/;

/** The route for `host`, or undefined when proxy mode does not answer for it (the proxy refuses those). */
export function routeHost(hostName: string): ProxiedHost | undefined {
  const host = hostName.toLowerCase();
  for (const c of PROXY_CLOUDS) {
    const base = {
      host,
      cloud: c.cloud,
      authorityOrigin: `https://${c.login[0]}`,
      graphOrigin: `https://${c.graph}`,
    };
    if (c.login.includes(host)) return { ...base, service: "entra", internalPath: (p) => p };
    if (host === c.graph) return { ...base, service: "graph", internalPath: (p) => `/graph${p}` };
    if (host === c.arm) return { ...base, service: "arm", internalPath: (p) => p };
    const suffix = c.keyVaultSuffixes.find((s) => host.endsWith(`.${s}`));
    if (suffix && VAULT_NAME.test(host.slice(0, -suffix.length - 1)))
      return { ...base, service: "keyvault", internalPath: (p) => `/keyvault/${host}${p}` };
  }
  return undefined;
}

/** Every name the proxy's certificate covers (vaults by wildcard: one DNS label, as vault names are). */
export function proxyCertificateNames(): string[] {
  return PROXY_CLOUDS.flatMap((c) => [
    ...c.login,
    c.graph,
    c.arm,
    ...c.keyVaultSuffixes.map((s) => `*.${s}`),
  ]);
}
