import type { FastifyInstance } from "fastify";
import type { Emulator } from "./context.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Operation name used to match injected faults, e.g. "token", "servicePrincipals.create". */
    operation?: string;
  }
}

/**
 * Applies injected faults (control API) to a service's routes before their handlers run: latency first,
 * then, when the fault has a status, the service's own error body (or the fault's body) instead of the handler.
 */
export function installFaultHook(scope: FastifyInstance, emu: Emulator, service: string, defaultBody: (status: number) => unknown): void {
  scope.addHook("onRequest", async (req, reply) => {
    const fault = emu.faults.take({
      service, operation: req.routeOptions.config.operation ?? "", method: req.method, path: req.url.split("?")[0] ?? "",
    });
    if (!fault) return;
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.status === undefined) return;
    await reply.code(fault.status).headers(fault.headers ?? {}).send(fault.body ?? defaultBody(fault.status));
  });
}
