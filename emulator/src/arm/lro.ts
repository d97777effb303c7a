import { randomUUID } from "node:crypto";
import type { ArmErrorBody } from "./errors.js";

/**
 * Long-running operations (§3.2). An operation is "InProgress" until the emulator clock passes its end time; the
 * state change it stands for is committed (or rolled back) lazily by `settle()` on the next ARM request, so the
 * outcome depends only on the emulator clock (which runs with wall time and jumps with /_emulator/clock).
 */
export type LroStatus = "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface Operation {
  id: string;
  subscriptionId: string;
  namespace: string;
  location: string;
  resourceId: string;
  status: LroStatus;
  startMs: number;
  endMs: number;
  outcome: Exclude<LroStatus, "InProgress">;
  error?: ArmErrorBody;
  /** Commits the change on success; restores the previous state otherwise. */
  complete(outcome: Exclude<LroStatus, "InProgress">): void;
  /** The body the Location URL returns once Succeeded (undefined → 204). */
  result(): unknown;
}

export class OperationRegistry {
  private readonly ops = new Map<string, Operation>();

  constructor(private readonly nowMs: () => number) {}

  reset(): void {
    this.ops.clear();
  }

  start(input: Omit<Operation, "id" | "status" | "startMs" | "endMs"> & { durationMs: number }): Operation {
    const now = this.nowMs();
    const { durationMs, ...rest } = input;
    const op: Operation = {
      ...rest,
      id: randomUUID(),
      status: "InProgress",
      startMs: now,
      endMs: now + durationMs,
    };
    this.ops.set(op.id, op);
    return op;
  }

  get(id: string): Operation | undefined {
    this.settle();
    return this.ops.get(id.toLowerCase());
  }

  /** Is there an unfinished operation on this resource? (ARM: 409 AnotherOperationInProgress.) */
  inProgressFor(resourceId: string): Operation | undefined {
    this.settle();
    return [...this.ops.values()].find(
      (o) => o.status === "InProgress" && o.resourceId.toLowerCase() === resourceId.toLowerCase(),
    );
  }

  settle(): void {
    const now = this.nowMs();
    for (const op of this.ops.values()) {
      if (op.status !== "InProgress" || now < op.endMs) continue;
      op.status = op.outcome;
      if (op.outcome !== "Succeeded" && !op.error) {
        op.error = {
          code: "InternalServerError",
          message: "The operation failed due to an internal error. Please retry.",
        };
      }
      op.complete(op.outcome);
    }
  }
}

export const isoSeconds = (ms: number): string => new Date(ms).toISOString();
