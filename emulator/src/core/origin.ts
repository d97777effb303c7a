import { AsyncLocalStorage } from "node:async_hooks";
import type { ProxiedHost } from "../proxy/hosts.js";
import type { Emulator } from "./context.js";

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
export function authorityOrigin(emu: Emulator): string {
  return proxiedRequest.getStore()?.authorityOrigin ?? emu.authority;
}

/** Graph's base (before /v1.0) as the caller addressed it. */
export function graphBase(emu: Emulator): string {
  return proxiedRequest.getStore()?.graphOrigin ?? `${emu.baseUrl}/graph`;
}
