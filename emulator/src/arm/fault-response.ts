import type { FastifyReply } from "fastify";
import type { Emulator } from "../core/context.js";

/** The parts of an injected fault the resource side understands (fields per core/faults.ts). */
export interface FaultView {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  latencyMs?: number;
  lroOutcome?: { status: "Failed" | "Canceled"; code?: string; message?: string };
}

export function takeFault(
  emu: Emulator,
  q: { service: string; operation: string; method: string; path: string },
): FaultView | undefined {
  const f = emu.faults.take(q) as FaultView | undefined;
  return f ?? undefined;
}

/** Waits for injected latency; if the fault carries a status, sends it and returns true. */
export async function applyFault(
  fault: FaultView | undefined,
  reply: FastifyReply,
  defaultBody: (status: number) => unknown,
): Promise<boolean> {
  if (!fault) return false;
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (!fault.status) return false;
  reply.code(fault.status).headers(fault.headers ?? {});
  await reply.send(fault.body ?? defaultBody(fault.status));
  return true;
}

/** Per-plugin JSON parser: the Key Vault SDK's challenge request carries Content-Type but no body. */
export function tolerantJsonParser(parseError: (message: string) => Error) {
  return (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    const text = body.toString();
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(parseError(e instanceof Error ? e.message : String(e)));
    }
  };
}
