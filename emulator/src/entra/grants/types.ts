import type { Emulator } from "../../emulator.js";
import type { ClientCredentials } from "../client-auth.js";
import type { EntraState } from "../state.js";
import type { TenantSegment } from "../tenant.js";

/** One token request, parsed: the grant handlers (one per grant type, as mock-oauth2-server does) take this. */
export interface GrantContext {
  emu: Emulator;
  state: EntraState;
  seg: TenantSegment;
  body: Record<string, string | undefined>;
  creds: ClientCredentials;
  /** The browser's Origin header: present for cross-origin (SPA) redemption. */
  origin?: string;
}

export interface GrantResult {
  body: Record<string, unknown>;
  /** Origin to allow with CORS headers (SPA redemption, as Entra answers it). */
  corsOrigin?: string;
}
