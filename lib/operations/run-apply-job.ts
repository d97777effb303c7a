import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import { SYSTEM_ACTOR, withAuditAtEnd } from "@/lib/audit/record-audit-event";
import { describeAzureError } from "@/lib/azure/azure-error";
import { getCmkModule } from "@/lib/cmk";
import { explainCmkError } from "@/lib/cmk/explain-error";
import type { CmkFailure } from "@/lib/cmk/types";
import { isTransientDatabaseError } from "@/lib/db/transient";
import { jobErrorColumn, jobPlanColumn } from "@/lib/jobs/job-columns";
import { FINISHED_JOB_STATES, lockJob, transitionJob, updateJobProgress } from "@/lib/jobs/job-state";
import type { JobState } from "@/lib/generated/prisma/enums";
import type { JobOutcome } from "@/lib/jobs/worker";
import { observedColumn, resourceErrorColumn } from "@/lib/resources/resource-columns";
import { setResourceState } from "@/lib/resources/resource-state";
import { transitionOnboarding } from "@/lib/onboarding/state-machine";
import { executeSteps, StepTakenElsewhere } from "./execute-steps";
import { toKeyRef } from "./module-input";
import { admitRunJob, settleRun } from "./fleet-run";
import { planJobSteps } from "./plan-operation";
import { readBack } from "./read-back";

/** The audit action recorded when each kind of job succeeds. */
const ACTIONS: Partial<Record<string, string>> = {
  APPLY_CMK: "cmk.applied",
  ROTATE_KEY: "cmk.rotated",
  CHANGE_KEY: "cmk.key_changed",
  REVERT_CMK: "cmk.reverted",
};

/** The stored plan; empty until an apply job's first run plans it. */
function storedPlan(
  plan: Parameters<typeof jobPlanColumn.read>[0],
): Partial<NonNullable<ReturnType<typeof jobPlanColumn.read>>> {
  return jobPlanColumn.read(plan) ?? {};
}

/** Attempts before a retryable failure (throttling, 5xx, another operation in progress) becomes final. */
export const MAX_ATTEMPTS = 6;

/** Only these states have work left for a worker; a paused, cancelled or unapproved job is left alone. */
const RUNNABLE = new Set(["QUEUED", "RUNNING", "WAITING_ON_AZURE"]);
const isFinished = (state: JobState | null) => state === null || FINISHED_JOB_STATES.includes(state);

class NotRetryable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Applies a verified customer key to one resource, the pipeline end to end: plan (the same checkAndPlan the
 * review screen shows, stored on the job the first time), execute the stored steps under the write budget,
 * read back, and derive the resource's state. Called once per queue message; safe to call again.
 */
export async function runApplyJob(
  db: Db,
  jobId: string,
  options: { writesPerSecond: number },
): Promise<JobOutcome> {
  const job = await loadJob(db, jobId);
  const revert = job?.kind === "REVERT_CMK";
  if (!job?.resource || (!job.customerKeyId && !revert) || !RUNNABLE.has(job.state))
    return { kind: "skipped" };
  // A job of a fleet run starts only while its run runs: a paused run holds it, a cancelled one cancels it.
  if (job.runId && (await admitRunJob(db, job.id, job.runId)) !== "run") return { kind: "skipped" };
  const outcome = await runJob(db, { ...job, resource: job.resource }, options);
  if (job.runId && (outcome.kind === "succeeded" || outcome.kind === "failed"))
    await settleRun(db, job.runId);
  return outcome;
}

type LoadedJob = NonNullable<Awaited<ReturnType<typeof loadJob>>>;
const loadJob = (db: Db, jobId: string) =>
  db.job.findUnique({
    where: { id: jobId },
    include: { resource: true, run: { select: { targetCustomerId: true } } },
  });

async function runJob(
  db: Db,
  job: LoadedJob & { resource: NonNullable<LoadedJob["resource"]> },
  options: { writesPerSecond: number },
): Promise<JobOutcome> {
  const revert = job.kind === "REVERT_CMK";
  const resource = job.resource;
  // A revert has no target key: the resource goes back to keys Microsoft manages.
  const key = job.customerKeyId
    ? await db.customerKey.findUniqueOrThrow({ where: { id: job.customerKeyId } })
    : null;
  const stored = storedPlan(job.plan);
  const targetCustomerId = stored.targetCustomerId ?? job.run?.targetCustomerId;
  const cmk = getCmkModule(resource.kind);

  const started = await db.$transaction((tx) =>
    withAuditAtEnd(tx, async () => {
      // Another handler of the same job (its message redelivered after a lapsed heartbeat) may have finished it.
      const state = await lockJob(tx, job.id);
      if (!state || !RUNNABLE.has(state)) return false;
      // A run's job leaves the resource's steady state when it starts (a single operation did so when it was
      // cleared to run), so a job cancelled before it started leaves the resource as it was.
      if (job.runId && (resource.cmkState === "APPLIED" || resource.cmkState === "DRIFTED")) {
        resource.cmkState = revert ? "REVERTING" : "PENDING";
        await setResourceState(tx, {
          resourceId: resource.id,
          to: resource.cmkState,
          actor: SYSTEM_ACTOR,
          action: revert ? "cmk.revert_requested" : "cmk.change_requested",
          details: { jobId: job.id, runId: job.runId },
        });
      }
      await transitionJob(tx, {
        jobId: job.id,
        to: "RUNNING",
        actor: SYSTEM_ACTOR,
        data: { attempts: { increment: 1 }, startedAt: job.startedAt ?? new Date(), error: undefined },
        details: { attempt: job.attempts + 1 },
      });
      if (!revert && resource.cmkState !== "APPLYING") {
        await setResourceState(tx, {
          resourceId: resource.id,
          to: "APPLYING",
          actor: SYSTEM_ACTOR,
          action: "cmk.apply_started",
          details: { jobId: job.id, attempt: job.attempts + 1 },
        });
      }
      return true;
    }),
  );
  if (!started) return { kind: "skipped" };

  try {
    let steps = stored.steps;
    if (!steps) {
      const planned = await planJobSteps(resource, job.kind, key);
      const refused = planned.problems[0];
      if (refused) throw new NotRetryable(refused.code, planned.problems.map((p) => p.message).join(" "));
      steps = planned.steps;
      await updateJobProgress(db, job.id, {
        plan: jobPlanColumn.write({ ...stored, steps: planned.steps }),
      });
    }

    const { finalRead } = await executeSteps(db, job, steps, {
      subscriptionId: resource.subscriptionId,
      writesPerSecond: options.writesPerSecond,
    });

    const observed = await readBack(cmk, resource.armId, key ? toKeyRef(key) : undefined, finalRead);
    const expected = revert ? "MICROSOFT_MANAGED" : "APPLIED";
    if (observed.state !== expected)
      throw new NotRetryable(
        observed.state,
        `Azure accepted the change but the resource reads back as ${observed.state.toLowerCase()}: ${observed.detail}`,
      );
    const recorded = await db.$transaction((tx) =>
      withAuditAtEnd(tx, async () => {
        if (isFinished(await lockJob(tx, job.id))) return false;
        await transitionJob(tx, {
          jobId: job.id,
          to: "SUCCEEDED",
          actor: SYSTEM_ACTOR,
          data: { error: undefined },
          details: { writes: steps.length },
        });
        await setResourceState(tx, {
          resourceId: resource.id,
          to: expected,
          actor: SYSTEM_ACTOR,
          action: ACTIONS[job.kind] ?? "cmk.applied",
          data: {
            appliedKeyId: key?.id ?? null,
            appliedKeyVersion: key ? observed.keyVersion : null,
            // A change of key to another customer's key moves the resource to that customer.
            ...(targetCustomerId && { customerId: targetCustomerId }),
            observed: observedColumn.write(observed),
            lastReadAt: new Date(),
            lastError: undefined,
          },
          details: {
            jobId: job.id,
            keyUri: observed.keyUri,
            keyVersion: observed.keyVersion,
            writes: steps.length,
          },
        });
        // The customer's onboarding reaches "applied" once its key protects a resource.
        if (key) await markOnboardingApplied(tx, key.onboardingId, job.id);
        return true;
      }),
    );
    return { kind: recorded ? "succeeded" : "skipped" };
  } catch (error) {
    // Nothing can be recorded while the database is away or too busy to commit (a transaction that found no
    // connection or lock in time, a deadlock): not Azure's refusal. pg-boss redelivers the message and the job
    // resumes from its step (a write already sent is read back, not sent again).
    if (isTransientDatabaseError(error)) throw error;
    // Another handler of this job claimed its step first: that one carries the job on.
    if (error instanceof StepTakenElsewhere) return { kind: "skipped" };
    return recordFailure(db, {
      jobId: job.id,
      resourceId: resource.id,
      kind: resource.kind,
      attempts: job.attempts + 1,
      error,
    });
  }
}

async function markOnboardingApplied(tx: Tx, onboardingId: string, jobId: string) {
  const onboarding = await tx.tenantOnboarding.findUnique({
    where: { id: onboardingId },
    select: { state: true },
  });
  if (onboarding?.state !== "KEY_VERIFIED") return;
  await transitionOnboarding(tx, {
    onboardingId,
    to: "APPLIED",
    actor: SYSTEM_ACTOR,
    action: "onboarding.applied",
    details: { jobId },
  });
}

/** A retryable failure queues the job again (within MAX_ATTEMPTS); anything else fails job and resource. */
async function recordFailure(
  db: Db,
  input: {
    jobId: string;
    resourceId: string;
    kind: Parameters<typeof getCmkModule>[0];
    attempts: number;
    error: unknown;
  },
): Promise<JobOutcome> {
  const failure =
    input.error instanceof NotRetryable
      ? {
          code: input.error.code,
          message: input.error.message,
          retryable: false,
          retryAfterSeconds: undefined,
        }
      : describeAzureError(input.error);
  const explained = explainCmkError({ code: failure.code, message: failure.message }, input.kind);
  const error: CmkFailure = {
    code: failure.code,
    message: failure.message,
    what: explained.what,
    todo: explained.todo,
    at: new Date().toISOString(),
  };
  if (failure.retryable && input.attempts < MAX_ATTEMPTS) {
    const afterSeconds = failure.retryAfterSeconds ?? Math.min(60, 2 ** input.attempts);
    const requeued = await db.$transaction(async (tx) => {
      if (isFinished(await lockJob(tx, input.jobId))) return false;
      await transitionJob(tx, {
        jobId: input.jobId,
        to: "QUEUED",
        actor: SYSTEM_ACTOR,
        data: { error: jobErrorColumn.write(error) },
        details: { azureCode: failure.code, retryAfterSeconds: afterSeconds },
        outcome: "failure",
      });
      return true;
    });
    return requeued ? { kind: "retry", afterSeconds } : { kind: "skipped" };
  }
  const recorded = await db.$transaction((tx) =>
    withAuditAtEnd(tx, async () => {
      // Another handler of the job finished it first: its outcome stands (a finished job never moves again).
      if (isFinished(await lockJob(tx, input.jobId))) return false;
      await transitionJob(tx, {
        jobId: input.jobId,
        to: "FAILED",
        actor: SYSTEM_ACTOR,
        data: { error: jobErrorColumn.write(error) },
        details: { azureCode: failure.code, attempts: input.attempts },
      });
      await setResourceState(tx, {
        resourceId: input.resourceId,
        to: "FAILED",
        actor: SYSTEM_ACTOR,
        action: "cmk.apply_failed",
        outcome: "failure",
        data: { lastError: resourceErrorColumn.write(error) },
        details: { jobId: input.jobId, azureCode: failure.code, attempts: input.attempts },
      });
      return true;
    }),
  );
  return { kind: recorded ? "failed" : "skipped" };
}
