import "server-only";
import { z } from "zod";
import { armWriteSchema, cmkFailureSchema } from "@/lib/cmk/types";
import { jsonColumn } from "@/lib/db/json-column";

/**
 * Job.plan: the exact ARM writes the job executes, stored on its first run (or when it is requested); for a
 * support operation also which one it is and, for a change of key, the customer the resource moves to.
 */
export const jobPlanColumn = jsonColumn(
  "job's plan",
  z.object({
    steps: z.array(armWriteSchema),
    operation: z.enum(["ROTATE", "CHANGE_KEY", "REVERT"]).optional(),
    targetCustomerId: z.uuid().nullish(),
  }),
);

/**
 * Job.progress: the step the job is on, for the console, and the claim of the handler that sends it: a handler
 * sends a step's write only after changing this column from the value it decided on (lib/operations/execute-steps.ts).
 */
export const jobProgressColumn = jsonColumn(
  "job's progress",
  z.object({
    step: z.number().int().min(1),
    of: z.number().int().min(1),
    description: z.string(),
    claim: z.string().optional(),
  }),
);

/** Job.error: the last failure, final or about to be retried. */
export const jobErrorColumn = jsonColumn("job's error", cmkFailureSchema);
