import { z } from "zod";
import { newId } from "./ids.js";

/**
 * A fault to inject. Every selector is optional and all given selectors must match; `path` is a regular
 * expression tested against the request path (without query). `count` is how many requests it hits
 * (default 1; 0 = until cleared). `lroOutcome` is interpreted by ARM: the long-running operation ends so.
 */
export const faultSpecSchema = z.object({
  service: z.enum(["entra", "msi", "graph", "arm", "keyvault"]).optional(),
  operation: z.string().optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  count: z.number().int().min(0).default(1),
  retryAfterSeconds: z.number().int().min(0).optional(),
  lroOutcome: z
    .object({
      status: z.enum(["Failed", "Canceled"]),
      code: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

export interface Fault extends FaultSpec {
  id: string;
  hits: number;
}

export interface FaultQuery {
  service: string;
  operation: string;
  method: string;
  path: string;
}

export class Faults {
  private faults: Fault[] = [];

  add(input: FaultSpecInput): Fault {
    const spec = faultSpecSchema.parse(input);
    if (spec.path) new RegExp(spec.path); // reject an invalid pattern at registration, not at match time
    const headers = { ...spec.headers };
    if (spec.retryAfterSeconds !== undefined) headers["Retry-After"] = String(spec.retryAfterSeconds);
    const fault: Fault = { ...spec, headers, id: newId(), hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first matching fault, consumed by one hit. */
  take(q: FaultQuery): Fault | undefined {
    const fault = this.faults.find((f) => matches(f, q));
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.count > 0 && fault.hits >= fault.count) this.remove(fault.id);
    return fault;
  }
}

function matches(f: Fault, q: FaultQuery): boolean {
  if (f.service && f.service !== q.service) return false;
  if (f.operation && f.operation.toLowerCase() !== q.operation.toLowerCase()) return false;
  if (f.method && f.method.toUpperCase() !== q.method.toUpperCase()) return false;
  if (f.path && !new RegExp(f.path, "i").test(q.path)) return false;
  return true;
}
