"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { ANY_ROLE, WRITE_ROLES } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getProducerBoss } from "@/lib/jobs/boss";
import {
  approveFleetRun,
  cancelFleetRun,
  declineFleetRun,
  fleetRunRequest,
  pauseFleetRun,
  previewFleetRun,
  requestFleetRun,
  resumeFleetRun,
  type FleetPreview,
} from "@/lib/operations/fleet-run";
import {
  approveOperation,
  operationRequest,
  previewOperation,
  rejectOperation,
  requestOperation,
  type OperationPreview,
} from "@/lib/operations/support-operations";

export type OperationActionResult =
  | { ok: true; message: string; preview?: OperationPreview; needsApproval?: boolean }
  | { ok: false; error: string };

const previewInput = operationRequest.omit({ reason: true });
const jobInput = z.object({ jobId: z.uuid("This request ID is not valid.") });

/** The blast radius, planned as the job will run it; any console role may look before asking. */
export const previewOperationAction = serverAction({
  name: "previewOperation",
  access: operator(ANY_ROLE),
  args: (input: z.input<typeof previewInput>) => input,
  input: previewInput,
  run: async ({ input, session, db }): Promise<OperationActionResult> => {
    const preview = await previewOperation(db, input, { roles: session.roles });
    return { ok: true, message: `${preview.steps.length} ARM write(s) planned.`, preview };
  },
});

/**
 * Requests an operation. Support's requests, and any change to another customer's key, wait for an Admin's
 * approval; an Operator's or Admin's own-customer operation is queued at once (lib/operations).
 */
export const requestOperationAction = serverAction({
  name: "requestOperation",
  access: operator(ANY_ROLE),
  args: (input: z.input<typeof operationRequest>) => input,
  input: operationRequest,
  run: async ({ input, session, actor, requestId, db }): Promise<OperationActionResult> => {
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { needsApproval, preview } = await requestOperation(db, boss, {
      ...input,
      actor,
      roles: session.roles,
      requestId,
    });
    return {
      ok: true,
      needsApproval,
      message: needsApproval
        ? `Requested. An Admin other than you must approve it on the Approvals page before anything is written.`
        : `Queued: ${preview.label.toLowerCase()} on ${preview.resource.name} runs now.`,
    };
  },
  revalidate: [
    ["/console/resources", "page"],
    ["/console/resources/[id]", "page"],
    ["/console/approvals", "page"],
  ],
});

/**
 * A second Admin approves: the job is queued. The requester cannot approve their own request. Nothing is
 * revalidated: the approvals list keeps the decided request (with its message) until it is next opened.
 */
export const approveOperationAction = serverAction({
  name: "approveOperation",
  access: operator(["Admin"]),
  args: (jobId: string) => ({ jobId }),
  input: jobInput,
  run: async ({ input, session, actor, requestId, db }): Promise<OperationActionResult> => {
    await approveOperation(db, await getProducerBoss(getEnv().DATABASE_URL), {
      jobId: input.jobId,
      actor,
      roles: session.roles,
      requestId,
    });
    return { ok: true, message: "Approved; the worker runs it now." };
  },
});

/** An Admin declines a request; nothing is written to Azure. */
export const rejectOperationAction = serverAction({
  name: "rejectOperation",
  access: operator(["Admin"]),
  args: (jobId: string) => ({ jobId }),
  input: jobInput,
  run: async ({ input, session, actor, requestId, db }): Promise<OperationActionResult> => {
    await rejectOperation(db, { jobId: input.jobId, actor, roles: session.roles, requestId });
    return { ok: true, message: "Declined; nothing was written." };
  },
});

const fleetPreviewInput = fleetRunRequest.omit({ reason: true });

export type FleetActionResult =
  { ok: true; message: string; preview?: FleetPreview; runId?: string } | { ok: false; error: string };

/** The aggregate blast radius of a fleet run, counted in the database; any console role may look. */
export const previewFleetRunAction = serverAction({
  name: "previewFleetRun",
  access: operator(ANY_ROLE),
  args: (input: z.input<typeof fleetPreviewInput>) => input,
  input: fleetPreviewInput,
  run: async ({ input, session, db }): Promise<FleetActionResult> => {
    const preview = await previewFleetRun(db, input, { roles: session.roles });
    return { ok: true, message: `${preview.total} resource(s) selected.`, preview };
  },
});

/** Requests a fleet run; Support's, and any touching more than one resource, wait for an Admin's approval. */
export const requestFleetRunAction = serverAction({
  name: "requestFleetRun",
  access: operator(ANY_ROLE),
  args: (input: z.input<typeof fleetRunRequest>) => input,
  input: fleetRunRequest,
  run: async ({ input, session, actor, requestId, db }): Promise<FleetActionResult> => {
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { run, needsApproval } = await requestFleetRun(db, boss, {
      ...input,
      actor,
      roles: session.roles,
      requestId,
    });
    return {
      ok: true,
      runId: run.id,
      message: needsApproval
        ? "Requested. An Admin other than you must approve it on the Approvals page before anything is written."
        : "Started.",
    };
  },
  revalidate: [
    ["/console/operations", "page"],
    ["/console/approvals", "page"],
  ],
});

const controlInput = z.object({
  runId: z.uuid("This run ID is not valid."),
  control: z.enum(["approve", "decline", "pause", "resume", "cancel"]),
});

/**
 * Approve or decline (Admins), pause, resume or cancel (Operators and Admins) a run; lib/operations checks
 * the caller's role again.
 */
export const fleetRunControlAction = serverAction({
  name: "fleetRunControl",
  access: operator(WRITE_ROLES),
  args: (runId: string, control: "approve" | "decline" | "pause" | "resume" | "cancel") => ({
    runId,
    control,
  }),
  input: controlInput,
  run: async ({ input, session, actor, requestId, db }): Promise<OperationActionResult> => {
    if ((input.control === "approve" || input.control === "decline") && !session.roles.includes("Admin"))
      throw new AppError("FORBIDDEN", "Only an Admin can approve or decline a fleet run.");
    const params = { runId: input.runId, actor, roles: session.roles, requestId };
    switch (input.control) {
      case "approve":
        await approveFleetRun(db, await getProducerBoss(getEnv().DATABASE_URL), params);
        return { ok: true, message: "Approved; the run has started." };
      case "decline":
        await declineFleetRun(db, params);
        return { ok: true, message: "Declined; nothing was written." };
      case "pause":
        await pauseFleetRun(db, params);
        return { ok: true, message: "Paused: no new job starts; writes already sent finish." };
      case "resume":
        await resumeFleetRun(db, await getProducerBoss(getEnv().DATABASE_URL), params);
        return { ok: true, message: "Resumed." };
      case "cancel": {
        const { inFlight } = await cancelFleetRun(db, params);
        return {
          ok: true,
          message: inFlight
            ? `Cancelling: no new write starts; ${inFlight} write(s) already sent to Azure finish first.`
            : "Cancelled: no new write starts.",
        };
      }
    }
  },
  revalidate: [
    ["/console/operations", "page"],
    ["/console/operations/[id]", "page"],
    ["/console/approvals", "page"],
  ],
});
