import type { ArmStore } from "./arm/store.js";
import type { Clock } from "./core/clock.js";
import type { DirectoryStore } from "./core/directory.js";
import type { Faults } from "./core/faults.js";
import type { Federation } from "./core/federation.js";
import type { Settings } from "./core/settings.js";
import type { TokenService } from "./core/tokens.js";
import type { KeyVaultStore } from "./keyvault/store.js";
import type { ProxyLog } from "./proxy/server.js";
import type { World } from "./world.js";

/**
 * The object every service module receives (CONTRACT.md): core's parts and every service's store, put together
 * here, above core and the services, so that core never imports a service. Stores are rebuilt by `reset`.
 */
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
