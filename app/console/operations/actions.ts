"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ANY_ROLE, currentRequestId, operatorActor, requireOperator, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getProducerBoss } from "@/lib/jobs/boss";
import { loggerFor } from "@/lib/log";
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

/** Runs one action: an AppError is the person's to read; anything else is logged and said in general words. */
type Failed = { ok: false; error: string };
async function attempt<T extends { ok: true }>(
  paths: string[],
  work: () => Promise<T | Failed>,
): Promise<T | Failed> {
  try {
    const result = await work();
    for (const path of paths) revalidatePath(path);
    return result;
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    if (error instanceof z.ZodError)
      return { ok: false, error: error.issues[0]?.message ?? "Invalid input." };
    loggerFor(await currentRequestId()).error({ err: error }, "operation action failed");
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

const previewInput = operationRequest.omit({ reason: true });
const jobId = z.uuid();

/** The blast radius, planned as the job will run it; any console role may look before asking. */
export async function previewOperationAction(
  input: z.input<typeof previewInput>,
): Promise<OperationActionResult> {
  return attempt([], async () => {
    const session = await requireOperator(ANY_ROLE);
    const preview = await previewOperation(getDb(), previewInput.parse(input), { roles: session.roles });
    return { ok: true, message: `${preview.steps.length} ARM write(s) planned.`, preview };
  });
}

/**
 * Requests an operation. Support's requests, and any change to another customer's key, wait for an Admin's
 * approval; an Operator's or Admin's own-customer operation is queued at once (lib/operations).
 */
export async function requestOperationAction(
  input: z.input<typeof operationRequest>,
): Promise<OperationActionResult> {
  return attempt(["/console/resources", "/console/approvals"], async () => {
    const session = await requireOperator(ANY_ROLE);
    const parsed = operationRequest.parse(input);
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { needsApproval, preview } = await requestOperation(getDb(), boss, {
      ...parsed,
      actor: operatorActor(session),
      roles: session.roles,
      requestId: await currentRequestId(),
    });
    revalidatePath(`/console/resources/${preview.resource.id}`);
    return {
      ok: true,
      needsApproval,
      message: needsApproval
        ? `Requested. An Admin other than you must approve it on the Approvals page before anything is written.`
        : `Queued: ${preview.label.toLowerCase()} on ${preview.resource.name} runs now.`,
    };
  });
}

/**
 * A second Admin approves: the job is queued. The requester cannot approve their own request. Nothing is
 * revalidated: the approvals list keeps the decided request (with its message) until it is next opened.
 */
export async function approveOperationAction(id: string): Promise<OperationActionResult> {
  return attempt([], async () => {
    const session = await requireOperator(["Admin"]);
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    await approveOperation(getDb(), boss, {
      jobId: jobId.parse(id),
      actor: operatorActor(session),
      roles: session.roles,
      requestId: await currentRequestId(),
    });
    return { ok: true, message: "Approved; the worker runs it now." };
  });
}

/** An Admin declines a request; nothing is written to Azure. */
export async function rejectOperationAction(id: string): Promise<OperationActionResult> {
  return attempt([], async () => {
    const session = await requireOperator(["Admin"]);
    await rejectOperation(getDb(), {
      jobId: jobId.parse(id),
      actor: operatorActor(session),
      roles: session.roles,
      requestId: await currentRequestId(),
    });
    return { ok: true, message: "Declined; nothing was written." };
  });
}

const fleetPreviewInput = fleetRunRequest.omit({ reason: true });
const runId = z.uuid();

export type FleetActionResult =
  { ok: true; message: string; preview?: FleetPreview; runId?: string } | { ok: false; error: string };

/** The aggregate blast radius of a fleet run, counted in the database; any console role may look. */
export async function previewFleetRunAction(
  input: z.input<typeof fleetPreviewInput>,
): Promise<FleetActionResult> {
  return attempt([], async () => {
    const session = await requireOperator(ANY_ROLE);
    const preview = await previewFleetRun(getDb(), fleetPreviewInput.parse(input), { roles: session.roles });
    return { ok: true, message: `${preview.total} resource(s) selected.`, preview };
  });
}

/** Requests a fleet run; Support's, and any touching more than one resource, wait for an Admin's approval. */
export async function requestFleetRunAction(
  input: z.input<typeof fleetRunRequest>,
): Promise<FleetActionResult> {
  return attempt(["/console/operations", "/console/approvals"], async () => {
    const session = await requireOperator(ANY_ROLE);
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { run, needsApproval } = await requestFleetRun(getDb(), boss, {
      ...fleetRunRequest.parse(input),
      actor: operatorActor(session),
      roles: session.roles,
      requestId: await currentRequestId(),
    });
    return {
      ok: true,
      runId: run.id,
      message: needsApproval
        ? "Requested. An Admin other than you must approve it on the Approvals page before anything is written."
        : "Started.",
    };
  });
}

/** Approve, decline, pause, resume or cancel a run: each checks the caller's role again in lib/operations. */
export async function fleetRunControlAction(
  id: string,
  control: "approve" | "decline" | "pause" | "resume" | "cancel",
): Promise<OperationActionResult> {
  const parsedId = runId.parse(id);
  return attempt(
    ["/console/operations", `/console/operations/${parsedId}`, "/console/approvals"],
    async () => {
      const session = await requireOperator(
        control === "approve" || control === "decline" ? ["Admin"] : WRITE_ROLES,
      );
      const db = getDb();
      const input = {
        runId: parsedId,
        actor: operatorActor(session),
        roles: session.roles,
        requestId: await currentRequestId(),
      };
      switch (control) {
        case "approve":
          await approveFleetRun(db, await getProducerBoss(getEnv().DATABASE_URL), input);
          return { ok: true, message: "Approved; the run has started." };
        case "decline":
          await declineFleetRun(db, input);
          return { ok: true, message: "Declined; nothing was written." };
        case "pause":
          await pauseFleetRun(db, input);
          return { ok: true, message: "Paused: no new job starts; writes already sent finish." };
        case "resume":
          await resumeFleetRun(db, await getProducerBoss(getEnv().DATABASE_URL), input);
          return { ok: true, message: "Resumed." };
        case "cancel": {
          const { inFlight } = await cancelFleetRun(db, input);
          return {
            ok: true,
            message: inFlight
              ? `Cancelling: no new write starts; ${inFlight} write(s) already sent to Azure finish first.`
              : "Cancelled: no new write starts.",
          };
        }
      }
    },
  );
}
