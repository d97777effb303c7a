import type { FastifyInstance } from "fastify";
import type { Emulator } from "../emulator.js";
import { registerArmRoutes } from "./routes.js";
import { ArmStore } from "./store.js";

export { armWorldSchema, type ArmWorld, type ArmWorldInput } from "./world.js";
export { ArmStore, type ArmResource, type Subscription, type ResourceGroup } from "./store.js";
export type { RoleAssignment } from "./rbac.js";
export { BUILT_IN_ROLES, ROLE } from "./roles.js";

/**
 * The ARM side of the emulator: `/subscriptions/...` and `/providers/...` (operation status URLs).
 * `emu` is read lazily at request time, so it may still be under construction when this is called.
 */
export function createArmService(emu: Emulator): { store: ArmStore; register(app: FastifyInstance): void } {
  const store = new ArmStore({
    nowSeconds: () => emu.clock.nowSeconds(),
    nowMs: () => emu.clock.nowMs(),
    propagationSeconds: () => emu.settings.rolePropagationSeconds,
    // Reads and deletes use ARM's documented per-principal buckets (§3.4); writes are configurable.
    limits: (kind) =>
      kind === "writes"
        ? { rate: emu.settings.armWritesPerSecond, burst: emu.settings.armWriteBurst }
        : kind === "reads"
          ? { rate: 25, burst: 250 }
          : { rate: 10, burst: 200 },
  });
  return { store, register: (app) => registerArmRoutes(app, emu, store) };
}
