import type { FastifyInstance } from "fastify";
import type { Emulator } from "../emulator.js";
import { registerKeyVaultRoutes } from "./routes.js";
import { KeyVaultStore } from "./store.js";

export { KeyVaultStore, type KeyVersion } from "./store.js";

/** Key Vault / Managed HSM data plane at `/keyvault/{real-host}/...`; vaults themselves live in the ARM store. */
export function createKeyVaultService(emu: Emulator): {
  store: KeyVaultStore;
  register(app: FastifyInstance): void;
} {
  const store = new KeyVaultStore(() => emu.clock.nowSeconds());
  return { store, register: (app) => registerKeyVaultRoutes(app, emu, store) };
}
