import type { FastifyInstance, FastifyReply } from "fastify";
import type { Fault, FaultQuery, Faults } from "./faults.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Operation name used to match injected faults, e.g. "token", "servicePrincipals.create". */
    operation?: string;
  }
}

/** Whatever holds the fault registry (the Emulator object). */
interface WithFaults {
  faults: Faults;
}

/**
 * Applies injected faults (control API) to a service's routes before their handlers run: latency first,
 * then, when the fault has a status, the service's own error body (or the fault's body) instead of the handler.
 */
export function installFaultHook(
  scope: FastifyInstance,
  emu: WithFaults,
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

/** Takes the first matching fault (it counts as used); ARM keeps it to end long-running operations its way. */
export function takeFault(emu: WithFaults, q: FaultQuery): Fault | undefined {
  return emu.faults.take(q);
}

/** Waits a fault's latency; sends its response when it has a status (returns true then). */
export async function sendFault(
  fault: Fault | undefined,
  reply: FastifyReply,
  defaultBody: (status: number) => unknown,
): Promise<boolean> {
  if (!fault) return false;
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.status === undefined) return false;
  await reply
    .code(fault.status)
    .headers(fault.headers ?? {})
    .send(fault.body ?? defaultBody(fault.status));
  return true;
}

/** Takes a matching fault; waits its latency; sends its response when it has a status (returns true then). */
export async function applyFault(
  emu: WithFaults,
  reply: FastifyReply,
  q: FaultQuery,
  defaultBody: (status: number) => unknown,
): Promise<boolean> {
  return sendFault(takeFault(emu, q), reply, defaultBody);
}
