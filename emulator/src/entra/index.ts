import formbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import type { Emulator } from "../emulator.js";
import { installFaultHook } from "../core/fault-hook.js";
import { registerAdminConsentRoutes } from "./admin-consent.js";
import { registerAuthorizeRoutes } from "./authorize.js";
import { registerDiscoveryRoutes } from "./discovery.js";
import { AadError, toErrorBody } from "./errors.js";
import { createFederation } from "./federation-chain.js";
import { registerLogoutRoutes } from "./logout.js";
import { EntraState } from "./state.js";
import { registerTokenRoutes } from "./token-route.js";
import { authorityOrigin } from "../core/origin.js";

/** Entra ID: per-tenant OIDC discovery, authorize + sign-in page, token endpoint, admin consent. */
export function createEntraService(emu: Emulator) {
  const state = new EntraState();
  return {
    state,
    federation: createFederation(emu, state),
    register(app: FastifyInstance): void {
      void app.register(async (scope) => {
        await scope.register(formbody);
        installFaultHook(scope, emu, "entra", (status) =>
          toErrorBody(
            new AadError(
              status === 429 ? "temporarily_unavailable" : "server_error",
              status === 429 ? 50196 : 90033,
              "Injected fault: the service is temporarily unavailable.",
              status,
            ),
            emu.clock.now(),
            authorityOrigin(emu),
          ),
        );
        registerDiscoveryRoutes(scope, emu);
        registerAuthorizeRoutes(scope, emu, state);
        registerTokenRoutes(scope, emu, state);
        registerAdminConsentRoutes(scope, emu, state);
        registerLogoutRoutes(scope, emu);
      });
    },
  };
}
