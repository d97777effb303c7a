import type { Db } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit-event";
import { describeArmError, readResource, resumeArmWrite, startArmWrite } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import { explainCmkError } from "@/lib/cmk/explain-error";
import { readObserved } from "@/lib/cmk/read-observed";
import type { ArmWrite } from "@/lib/cmk/types";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { getCloud } from "@/lib/env";
import { isvIdentity, toKeyRef } from "@/lib/resources/key-ref";
import { setResourceState } from "@/lib/resources/resource-state";
import { acquireArmWrite } from "../arm-write-budget";

export type ApplyOutcome =
  { kind: "succeeded" } | { kind: "failed" } | { kind: "retry"; afterSeconds: number } | { kind: "skipped" };

/** Attempts before a retryable failure (throttling, 5xx, another operation in progress) becomes final. */
export const MAX_ATTEMPTS = 6;

class NotRetryable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Applies a verified customer key to one resource: plan, each ARM write (long-running ones polled to the end,
 * their poller state saved so a restarted worker resumes instead of writing again), then read back and compare.
 * Every write first takes a token from the subscription's write budget.
 */
export async function runApplyJob(
  db: Db,
  jobId: string,
  options: { writesPerSecond: number },
): Promise<ApplyOutcome> {
  const job = await db.job.findUnique({ where: { id: jobId }, include: { resource: true } });
  if (!job || !job.resource || !job.customerKeyId || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.state))
    return { kind: "skipped" };
  const resource = job.resource;
  const key = await db.customerKey.findUniqueOrThrow({ where: { id: job.customerKeyId } });
  const cmk = getCmkModule(resource.kind);
  const keyRef = toKeyRef(key);

  await db.$transaction(async (tx) => {
    await tx.job.update({
      where: { id: job.id },
      data: {
        state: "RUNNING",
        attempts: { increment: 1 },
        startedAt: job.startedAt ?? new Date(),
        error: undefined,
      },
    });
    if (resource.cmkState !== "APPLYING") {
      await setResourceState(tx, {
        resourceId: resource.id,
        to: "APPLYING",
        actor: SYSTEM_ACTOR,
        action: "cmk.apply_started",
        details: { jobId: job.id, attempt: job.attempts + 1 },
      });
    }
  });

  try {
    let steps = (job.plan as { steps?: ArmWrite[] } | null)?.steps;
    if (!steps) {
      const body = await readResource(resource.armId, cmk.apiVersion);
      const input = {
        resource: { id: resource.armId, location: resource.region, body },
        key: keyRef,
        identity: isvIdentity(),
        cloudName: getCloud().name,
      };
      const problems = cmk.check(input);
      if (problems.length)
        throw new NotRetryable(problems[0]!.code, problems.map((p) => p.message).join(" "));
      steps = cmk.plan(input);
      await db.job.update({
        where: { id: job.id },
        data: { plan: { steps } as unknown as Prisma.InputJsonValue },
      });
    }

    let resumeState = job.operationState;
    for (let index = job.step; index < steps.length; index++) {
      const step = steps[index]!;
      const progress = { step: index + 1, of: steps.length, description: step.description };
      let result;
      if (resumeState) {
        result = await resumeArmWrite(step, resumeState);
      } else {
        await db.job.update({ where: { id: job.id }, data: { progress } });
        await acquireArmWrite(db, resource.subscriptionId, options.writesPerSecond);
        result = await startArmWrite(step);
      }
      while (!result.done) {
        await db.job.update({
          where: { id: job.id },
          data: {
            state: "WAITING_ON_AZURE",
            operationState: result.resumeState,
            operationUrl: operationUrlOf(result.resumeState),
            progress,
          },
        });
        result = await resumeArmWrite(step, result.resumeState);
      }
      resumeState = null;
      await db.job.update({
        where: { id: job.id },
        data: { step: index + 1, operationState: null, state: "RUNNING", progress },
      });
    }

    const observed = await readObserved(cmk, resource.armId, keyRef);
    if (observed.state !== "APPLIED")
      throw new NotRetryable(
        observed.state,
        `Azure accepted the change but the resource reads back as ${observed.state.toLowerCase()}: ${observed.detail}`,
      );
    await db.$transaction(async (tx) => {
      await tx.job.update({
        where: { id: job.id },
        data: { state: "SUCCEEDED", activeKey: null, finishedAt: new Date(), error: undefined },
      });
      await setResourceState(tx, {
        resourceId: resource.id,
        to: "APPLIED",
        actor: SYSTEM_ACTOR,
        action: "cmk.applied",
        data: {
          appliedKeyId: key.id,
          appliedKeyVersion: observed.keyVersion,
          observed: observed as unknown as Prisma.InputJsonValue,
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
    });
    return { kind: "succeeded" };
  } catch (error) {
    // Nothing can be recorded while the database is away; pg-boss redelivers and the job resumes from its step.
    if (isDatabaseUnavailable(error)) throw error;
    return recordFailure(db, {
      jobId: job.id,
      resourceId: resource.id,
      kind: resource.kind,
      attempts: job.attempts + 1,
      error,
    });
  }
}

async function recordFailure(
  db: Db,
  input: {
    jobId: string;
    resourceId: string;
    kind: Parameters<typeof getCmkModule>[0];
    attempts: number;
    error: unknown;
  },
): Promise<ApplyOutcome> {
  const failure =
    input.error instanceof NotRetryable
      ? {
          code: input.error.code,
          message: input.error.message,
          retryable: false,
          retryAfterSeconds: undefined,
        }
      : describeArmError(input.error);
  const explained = explainCmkError({ code: failure.code, message: failure.message }, input.kind);
  const error = {
    code: failure.code,
    message: failure.message,
    what: explained.what,
    todo: explained.todo,
    at: new Date().toISOString(),
  };
  if (failure.retryable && input.attempts < MAX_ATTEMPTS) {
    const afterSeconds = failure.retryAfterSeconds ?? Math.min(60, 2 ** input.attempts);
    await db.job.update({ where: { id: input.jobId }, data: { state: "QUEUED", error } });
    return { kind: "retry", afterSeconds };
  }
  await db.$transaction(async (tx) => {
    await tx.job.update({
      where: { id: input.jobId },
      data: { state: "FAILED", activeKey: null, finishedAt: new Date(), error },
    });
    await setResourceState(tx, {
      resourceId: input.resourceId,
      to: "FAILED",
      actor: SYSTEM_ACTOR,
      action: "cmk.apply_failed",
      outcome: "failure",
      data: { lastError: error },
      details: { jobId: input.jobId, azureCode: failure.code, attempts: input.attempts },
    });
  });
  return { kind: "failed" };
}

/** The operation URL inside the SDK's serialised poller state, for operators to see; the state itself is what resumes. */
function operationUrlOf(resumeState: string): string | undefined {
  const match = /"(?:operationLocation|pollingUrl|resourceLocation)":"(https:[^"]+)"/.exec(resumeState);
  return match?.[1]?.slice(0, 4096);
}
