import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { JobKind, JobState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";

/**
 * Where a job stands. The only writer of Job.state: every move is checked against this table and recorded
 * with its audit event in the caller's transaction. Same-state writes (the next step, a newer poller state)
 * go through updateJobProgress, which cannot touch the state.
 */
const TRANSITIONS: Record<JobState, readonly JobState[]> = {
  AWAITING_APPROVAL: ["QUEUED", "CANCELLED"],
  QUEUED: ["RUNNING", "PAUSED", "CANCELLED", "FAILED"],
  // RUNNING again when a message is redelivered (a worker died); QUEUED when a retryable Azure failure is
  // sent again after Retry-After; PAUSED or CANCELLING are taken by the worker between steps.
  RUNNING: ["RUNNING", "WAITING_ON_AZURE", "QUEUED", "PAUSED", "CANCELLING", "SUCCEEDED", "FAILED"],
  WAITING_ON_AZURE: ["RUNNING", "QUEUED", "CANCELLING", "FAILED"],
  PAUSED: ["QUEUED", "CANCELLED"],
  // The write in flight finishes (or fails); no further step is started.
  CANCELLING: ["CANCELLED", "FAILED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export const FINISHED_JOB_STATES: readonly JobState[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export function canMoveJob(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Job columns a transition may set besides the state; the active key is released by finishing states. */
type JobData = Omit<Prisma.JobUncheckedUpdateManyInput, "state" | "id" | "kind">;

/**
 * Locks a job's row until the caller's transaction ends and returns its state (null when there is no such job):
 * two callers deciding from the same state (two Admins approving, two workers finishing the same job after a
 * lapsed heartbeat) then decide one after the other, the second seeing what the first did.
 */
export async function lockJob(tx: Tx, jobId: string): Promise<JobState | null> {
  const rows = await tx.$queryRaw<
    { state: JobState }[]
  >`SELECT state FROM "Job" WHERE id = ${jobId}::uuid FOR UPDATE`;
  return rows[0]?.state ?? null;
}

/** Creates a job in its first state (QUEUED, or AWAITING_APPROVAL when a second person must approve). */
export async function createJob(
  tx: Tx,
  input: {
    kind: JobKind;
    state?: "QUEUED" | "AWAITING_APPROVAL";
    activeKey: string;
    resourceId?: string;
    customerKeyId?: string;
    customerId?: string;
    actor: Actor;
    reason?: string;
    plan?: Prisma.InputJsonValue;
    /** The fleet run the job belongs to. */
    runId?: string;
    requestId?: string;
  },
) {
  const state = input.state ?? "QUEUED";
  const job = await tx.job.create({
    data: {
      kind: input.kind,
      state,
      activeKey: input.activeKey,
      resourceId: input.resourceId,
      customerKeyId: input.customerKeyId,
      requestedBy: input.actor.id ?? "unknown",
      reason: input.reason,
      plan: input.plan,
      runId: input.runId,
    },
  });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: `job.${state.toLowerCase()}`,
    targetType: "job",
    targetId: job.id,
    customerId: input.customerId,
    details: {
      kind: input.kind,
      to: state,
      resourceId: input.resourceId ?? null,
      ...(input.runId && { runId: input.runId }),
    },
    requestId: input.requestId,
  });
  return job;
}

/** Moves a job to its next state with the audit event, in the caller's transaction. */
export async function transitionJob(
  tx: Tx,
  input: {
    jobId: string;
    to: JobState;
    actor: Actor;
    data?: JobData;
    details?: Record<string, Prisma.InputJsonValue | null>;
    outcome?: "success" | "failure";
    requestId?: string;
  },
) {
  const current = await tx.job.findUnique({
    where: { id: input.jobId },
    include: { resource: { select: { customerId: true } } },
  });
  if (!current) throw new AppError("NOT_FOUND", "This job does not exist.");
  if (!canMoveJob(current.state, input.to)) {
    throw new AppError(
      "CONFLICT",
      `The job is ${current.state.toLowerCase().replaceAll("_", " ")}; it cannot become ${input.to.toLowerCase().replaceAll("_", " ")} from there.`,
    );
  }
  const finished = FINISHED_JOB_STATES.includes(input.to);
  // Conditional on the state read: a concurrent move made after that read makes this one fail, not overwrite it.
  const { count } = await tx.job.updateMany({
    where: { id: current.id, state: current.state },
    data: {
      ...input.data,
      state: input.to,
      // A finished job frees its target for the next one.
      ...(finished && { activeKey: null, finishedAt: new Date() }),
    },
  });
  if (count === 0) {
    const now = await tx.job.findUnique({ where: { id: current.id }, select: { state: true } });
    throw new AppError(
      "CONFLICT",
      `The job became ${(now?.state ?? "deleted").toLowerCase().replaceAll("_", " ")} meanwhile; it was not moved to ${input.to.toLowerCase().replaceAll("_", " ")}.`,
    );
  }
  const updated = await tx.job.findUniqueOrThrow({ where: { id: current.id } });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: `job.${input.to.toLowerCase()}`,
    targetType: "job",
    targetId: current.id,
    customerId: current.resource?.customerId ?? undefined,
    outcome: input.outcome ?? (input.to === "FAILED" ? "failure" : "success"),
    details: { kind: current.kind, from: current.state, to: input.to, ...input.details },
    requestId: input.requestId,
  });
  return updated;
}

/** Records how far a job got (step, progress, poller state, plan) without changing its state. */
export async function updateJobProgress(
  tx: Tx,
  jobId: string,
  data: Pick<
    Prisma.JobUncheckedUpdateInput,
    "step" | "progress" | "operationState" | "operationUrl" | "plan"
  >,
) {
  return tx.job.update({ where: { id: jobId }, data });
}
