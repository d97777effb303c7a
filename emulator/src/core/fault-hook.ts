import type { FastifyInstance, FastifyReply } from "fastify";
import type { Emulator } from "./context.js";
import type { FaultQuery } from "./faults.js";

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
export function installFaultHook(
  scope: FastifyInstance,
  emu: Emulator,
  service: string,
  defaultBody: (status: number) => unknown,
): void {
  scope.addHook("onRequest", async (req, reply) => {
    const q = {
      service,
      operation: req.routeOptions.config.operation ?? "",
      method: req.method,
      path: req.url.split("?")[0] ?? "",
    };
    await applyFault(emu, reply, q, defaultBody);
  });
}

/** Takes a matching fault; waits its latency; sends its response when it has a status (returns true then). */
export async function applyFault(
  emu: Emulator,
  reply: FastifyReply,
  q: FaultQuery,
  defaultBody: (status: number) => unknown,
): Promise<boolean> {
  const fault = emu.faults.take(q);
  if (!fault) return false;
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.status === undefined) return false;
  await reply
    .code(fault.status)
    .headers(fault.headers ?? {})
    .send(fault.body ?? defaultBody(fault.status));
  return true;
}
