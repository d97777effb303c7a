import { AsyncLocalStorage } from "node:async_hooks";

/** The clouds and services proxy mode answers for (src/proxy/hosts.ts lists their host names). */
export type ProxyCloud = "public" | "china" | "usgov";
export type ProxiedService = "entra" | "graph" | "arm" | "keyvault";

/** One host the proxy terminates: which emulated service answers, and the path inside the emulator. */
export interface ProxiedHost {
  host: string;
  cloud: ProxyCloud;
  service: ProxiedService;
  /** https://{login host} of the host's cloud: issuers and challenges name it. */
  authorityOrigin: string;
  /** https://{graph host} of the host's cloud: Graph's @odata.context names it. */
  graphOrigin: string;
  /** The request target as the emulator's router knows it (`/v1.0/x` on Graph → `/graph/v1.0/x`). */
  internalPath(path: string): string;
}

/**
 * Which real host a request came in on through proxy mode (src/proxy). Set for the whole life of a proxied
 * TLS connection, so handlers need no extra parameter; undefined for requests to the emulator's own URL.
 */
export const proxiedRequest = new AsyncLocalStorage<ProxiedHost>();

/**
 * The authority the emulator names in issuers, discovery documents and challenges: the cloud's login host
 * (https://login.microsoftonline.com) when the request came through proxy mode, else the configured authority
 * (the emulator's base URL unless `--authority` says otherwise).
 */
export function authorityOrigin(emu: { authority: string }): string {
  return proxiedRequest.getStore()?.authorityOrigin ?? emu.authority;
}

/** Graph's base (before /v1.0) as the caller addressed it. */
export function graphBase(emu: { baseUrl: string }): string {
  return proxiedRequest.getStore()?.graphOrigin ?? `${emu.baseUrl}/graph`;
}
