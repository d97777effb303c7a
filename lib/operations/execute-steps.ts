import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit-event";
import { readResource, resumeArmWrite, startArmWrite } from "@/lib/azure/arm";
import type { ArmWrite } from "@/lib/cmk/types";
import { acquireArmWrite } from "@/lib/jobs/arm-write-budget";
import { jobProgressColumn } from "@/lib/jobs/job-columns";
import { transitionJob } from "@/lib/jobs/job-state";

/**
 * Another handler of the same job (two messages, or one redelivered while its first handler still runs) claimed
 * the step or moved the job on: this handler stops without writing, and leaves the job to that one.
 */
export class StepTakenElsewhere extends Error {
  constructor(jobId: string) {
    super(`Another handler of job ${jobId} took its step; this one stops.`);
  }
}

/**
 * Sends a job's planned ARM writes in order, from the step it is on. Each write first takes a token from the
 * subscription's write budget and is sent once; a long-running one is polled to the end, its poller state saved
 * before every slice of polling so that a restarted worker resumes it (from `operationState`) instead of writing
 * again. The job moves RUNNING → WAITING_ON_AZURE while Azure works and back to RUNNING when the step is done.
 *
 * One write per step, even with two handlers of the job at once: a handler sends a step only after claiming it,
 * a conditional update that changes `Job.progress` from the value this handler decided on (a new claim ID);
 * of two handlers that decided on the same value, one claim succeeds and the other handler stops
 * (StepTakenElsewhere). Every later change of the job's step or poller state is conditional the same way, so a
 * handler overtaken by another can neither send nor move the job back.
 *
 * A step an earlier attempt began (its progress names the step, its poller state is not saved: the worker may
 * have died between claiming the step and recording the write) is read first, and not sent again when ARM already
 * holds every value it writes: one successful write per step, even across SIGKILL.
 *
 * Reads count against the subscription's read budget as writes do against theirs (docs/azure-contracts.md).
 * A write just accepted is first looked at after Azure's usual Retry-After, not at once, and by reading the
 * resource it wrote: ARM shows a PUT or PATCH's result on the resource itself, with provisioningState Succeeded,
 * once the operation is over. When that read shows every value written, the step is done with one read, and the
 * body is returned as `finalRead` (the read-back) when it is the last step. Otherwise the SDK's poller follows
 * the operation (its status, then the resource) and reports a failure in Azure's words.
 */
export async function executeSteps(
  db: Db,
  job: { id: string; step: number; operationState: string | null; progress?: unknown },
  steps: ArmWrite[],
  budget: { subscriptionId: string; writesPerSecond: number },
): Promise<{ finalRead?: { id: string; body: unknown } }> {
  let resumeState = job.operationState;
  let finalRead: { id: string; body: unknown } | undefined;
  // The progress this handler last saw or wrote: every change it makes is conditional on it being still there.
  let seen: unknown = job.progress ?? null;
  for (let index = job.step; index < steps.length; index++) {
    const step = steps[index]!;
    let result: Awaited<ReturnType<typeof startArmWrite>>;
    // The step was begun by an earlier attempt (a worker killed, a message redelivered, a retried failure):
    // its write may have reached Azure. When ARM already shows what it would write, it is not sent again.
    const begun = index === job.step && jobProgressColumn.read(seen as never)?.step === index + 1;
    const already = !resumeState && begun ? await alreadyWritten(step) : undefined;
    if (already !== undefined) {
      result = { done: true, body: already };
    } else if (resumeState) {
      result = await resumeArmWrite(step, resumeState);
    } else {
      const claim = jobProgressColumn.write({
        step: index + 1,
        of: steps.length,
        description: step.description,
        claim: randomUUID(),
      });
      if (!(await changeIfSeen(db, job.id, seen, { progress: claim }))) throw new StepTakenElsewhere(job.id);
      seen = claim;
      // The token is taken only while the claim still stands, so nothing but the send itself lies between the
      // last check and the write.
      const stands = await acquireArmWrite(db, budget.subscriptionId, budget.writesPerSecond, undefined, {
        jobId: job.id,
        progress: JSON.stringify(claim),
      });
      if (!stands) throw new StepTakenElsewhere(job.id);
      result = await startArmWrite(step);
    }
    let waiting = false;
    let looked = false;
    while (!result.done) {
      const saved = { operationState: result.resumeState, operationUrl: operationUrlOf(result.resumeState) };
      if (waiting) {
        if (!(await changeIfSeen(db, job.id, seen, saved))) throw new StepTakenElsewhere(job.id);
      } else {
        await db.$transaction(async (tx) => {
          if (!(await changeIfSeen(tx, job.id, seen, {}))) throw new StepTakenElsewhere(job.id);
          await transitionJob(tx, {
            jobId: job.id,
            to: "WAITING_ON_AZURE",
            actor: SYSTEM_ACTOR,
            data: saved,
            details: { step: index + 1, of: steps.length },
          });
        });
        waiting = true;
        // A poll at once would only repeat what the write's answer said; Azure asks for one after Retry-After.
        if (!resumeState) await new Promise((r) => setTimeout(r, FIRST_POLL_MS));
      }
      // One read of the resource itself usually ends it: the operation is over and the values are there.
      if (!looked && step.method !== "POST") {
        looked = true;
        const body = await finishedWrite(step);
        if (body !== undefined) {
          result = { done: true, body };
          break;
        }
      }
      result = await resumeArmWrite(step, result.resumeState);
    }
    finalRead =
      waiting && step.method !== "POST" && result.body != null
        ? { id: step.id, body: result.body }
        : undefined;
    resumeState = null;
    const done = { step: index + 1, operationState: null, operationUrl: null };
    if (waiting)
      await db.$transaction(async (tx) => {
        if (!(await changeIfSeen(tx, job.id, seen, done))) throw new StepTakenElsewhere(job.id);
        await transitionJob(tx, {
          jobId: job.id,
          to: "RUNNING",
          actor: SYSTEM_ACTOR,
          details: { step: index + 1, of: steps.length },
        });
      });
    else if (!(await changeIfSeen(db, job.id, seen, done))) throw new StepTakenElsewhere(job.id);
  }
  return { finalRead };
}

/**
 * Changes the job's step, poller state or progress only while its progress is still `seen` (compared as JSON);
 * false when another handler changed it meanwhile. With no change given it only checks (and locks the row).
 */
async function changeIfSeen(
  db: Tx,
  jobId: string,
  seen: unknown,
  change: {
    progress?: Prisma.InputJsonValue;
    step?: number;
    operationState?: string | null;
    operationUrl?: string | null;
  },
): Promise<boolean> {
  const expected = seen === null || seen === undefined ? null : JSON.stringify(seen);
  const progress = change.progress === undefined ? null : JSON.stringify(change.progress);
  const count = await db.$executeRaw`
    UPDATE "Job"
       SET "progress" = CASE WHEN ${progress}::text IS NULL THEN "progress" ELSE ${progress}::jsonb END,
           "step" = coalesce(${change.step ?? null}::int, "step"),
           "operationState" = CASE WHEN ${"operationState" in change}::boolean THEN ${change.operationState ?? null}::text ELSE "operationState" END,
           "operationUrl" = CASE WHEN ${"operationUrl" in change}::boolean THEN ${change.operationUrl ?? null}::text ELSE "operationUrl" END,
           "updatedAt" = now()
     WHERE id = ${jobId}::uuid AND "progress" IS NOT DISTINCT FROM ${expected}::jsonb`;
  return count === 1;
}

/**
 * The resource a PUT or PATCH wrote, once ARM shows the operation over (provisioningState Succeeded) and every
 * value written; otherwise undefined (still running, failed, or not comparable: the poller decides).
 */
async function finishedWrite(step: ArmWrite): Promise<unknown> {
  const body = await readResource(step.id, step.apiVersion);
  const state = (body as { properties?: { provisioningState?: unknown } } | null)?.properties
    ?.provisioningState;
  if (typeof state !== "string" || state.toLowerCase() !== "succeeded") return undefined;
  return holds(body, step.body) ? body : undefined;
}

/**
 * The resource as ARM shows it, when it already holds every value a PUT or PATCH would write and no operation
 * is running on it; otherwise undefined (the write must be sent). A provider action (POST) is always sent.
 */
async function alreadyWritten(step: ArmWrite): Promise<unknown> {
  if (step.method === "POST") return undefined;
  const body = await readResource(step.id, step.apiVersion);
  const state = (body as { properties?: { provisioningState?: unknown } } | null)?.properties
    ?.provisioningState;
  if (typeof state === "string" && state.toLowerCase() !== "succeeded") return undefined;
  return holds(body, step.body) ? body : undefined;
}

/** Whether `actual` holds every leaf of `wanted` (strings compared without case, as ARM echoes them). */
function holds(actual: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== "object")
    return typeof wanted === "string" && typeof actual === "string"
      ? wanted.toLowerCase() === actual.toLowerCase()
      : wanted === actual;
  if (actual === null || typeof actual !== "object") return false;
  if (Array.isArray(wanted))
    return (
      Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => holds(actual[i], w))
    );
  const byKey = new Map(Object.entries(actual).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(wanted).every(([k, v]) => holds(byKey.get(k.toLowerCase()), v));
}

/** ARM's usual Retry-After for a resource's long-running update (seconds, as the 201/202 answers send it). */
const FIRST_POLL_MS = 1_000;

/** The operation URL inside the SDK's serialised poller state, for operators to see; the state itself is what resumes. */
function operationUrlOf(resumeState: string): string | undefined {
  const match = /"(?:operationLocation|pollingUrl|resourceLocation)":"(https:[^"]+)"/.exec(resumeState);
  return match?.[1]?.slice(0, 4096);
}
