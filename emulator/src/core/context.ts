import type { ArmStore } from "../arm/store.js";
import type { KeyVaultStore } from "../keyvault/store.js";
import type { ProxyLog } from "../proxy/server.js";
import type { Clock } from "./clock.js";
import type { DirectoryStore } from "./directory.js";
import type { Faults } from "./faults.js";
import type { TokenService } from "./tokens.js";
import type { World } from "./world.js";

export interface Settings {
  /** Seconds before a new role assignment takes effect (Azure RBAC propagation). */
  rolePropagationSeconds: number;
  /** ARM write token bucket (docs/azure-contracts.md §4.3): refill per second and bucket size. */
  armWritesPerSecond: number;
  armWriteBurst: number;
  /** How long ARM long-running operations run, in emulator seconds. */
  lroSeconds: number;
  /**
   * Seconds after a service principal is created (admin consent, Graph POST) during which Entra still refuses
   * tokens for the app in that tenant with AADSTS700016 (directory replication).
   */
  consentPropagationSeconds: number;
}

export const DEFAULT_SETTINGS: Settings = {
  rolePropagationSeconds: 0,
  armWritesPerSecond: 10,
  armWriteBurst: 200,
  lroSeconds: 1,
  consentPropagationSeconds: 0,
};

export type FederationResult =
  | { ok: true; accessToken: string; claims: Record<string, unknown> }
  | { ok: false; aadsts: number; error: string; description: string };

export interface Federation {
  /**
   * What an Azure service does for a CMK resource: the UAMI's token for api://AzureADTokenExchange, presented
   * as client_assertion for `federatedClientId` in `tenantId`, for `resource` (e.g. https://vault.azure.net).
   */
  acquireForUami(input: {
    uamiResourceId: string;
    federatedClientId: string;
    tenantId: string;
    resource: string;
  }): Promise<FederationResult>;
}

/** The object every service module receives (CONTRACT.md). Stores are rebuilt by `reset`. */
export interface Emulator {
  baseUrl: string;
  /** Issuers' authority outside proxy mode, and `{emulator}` in the world: the base URL unless configured. */
  authority: string;
  /** The app's base URL; `{app}` in a world becomes it (redirect URIs follow the app's port). */
  appBaseUrl: string;
  clock: Clock;
  faults: Faults;
  tokens: TokenService;
  directory: DirectoryStore;
  arm: ArmStore;
  keyVault: KeyVaultStore;
  federation: Federation;
  settings: Settings;
  /** Tokens issued per tenant path segment since start (the control API's stats; benchmarks count them). */
  tokenCounts: Map<string, number>;
  /** Proxy mode's accepted and refused hosts (empty when proxy mode is off). */
  proxyLog: ProxyLog;
  /** The world the emulator was last reset to. */
  world: World;
  /** Rebuild every store from the world (the current one when omitted) and clear faults and clock offset. */
  reset(world?: World): Promise<void>;
}
