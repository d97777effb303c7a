import "server-only";
import type { Db } from "@/lib/db/create-db";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit-event";
import { readResource, resumeArmWrite, startArmWrite } from "@/lib/azure/arm";
import type { ArmWrite } from "@/lib/cmk/types";
import { acquireArmWrite } from "@/lib/jobs/arm-write-budget";
import { jobProgressColumn } from "@/lib/jobs/job-columns";
import { transitionJob, updateJobProgress } from "@/lib/jobs/job-state";

/**
 * Sends a job's planned ARM writes in order, from the step it is on. Each write first takes a token from the
 * subscription's write budget and is sent once; a long-running one is polled to the end, its poller state saved
 * before every slice of polling so that a restarted worker resumes it (from `operationState`) instead of writing
 * again. The job moves RUNNING → WAITING_ON_AZURE while Azure works and back to RUNNING when the step is done.
 *
 * A step an earlier attempt began (its progress names the step, its poller state is not saved: the worker may
 * have died between sending the write and recording it) is read first, and not sent again when ARM already
 * holds every value it writes: one successful write per step, even across SIGKILL.
 *
 * Reads count against the subscription's read budget as writes do against theirs (docs/azure-contracts.md):
 * a write just accepted is first polled after Azure's usual Retry-After, not at once, and when the last step is
 * a long-running PUT or PATCH its result, which the poller GETs from the resource once the operation succeeded,
 * is returned as `finalRead` so the caller can derive the resource's state from it instead of reading again.
 */
export async function executeSteps(
  db: Db,
  job: { id: string; step: number; operationState: string | null; progress?: unknown },
  steps: ArmWrite[],
  budget: { subscriptionId: string; writesPerSecond: number },
): Promise<{ finalRead?: { id: string; body: unknown } }> {
  let resumeState = job.operationState;
  let finalRead: { id: string; body: unknown } | undefined;
  for (let index = job.step; index < steps.length; index++) {
    const step = steps[index]!;
    const progress = jobProgressColumn.write({
      step: index + 1,
      of: steps.length,
      description: step.description,
    });
    let result: Awaited<ReturnType<typeof startArmWrite>>;
    // The step was begun by an earlier attempt (a worker killed, a message redelivered, a retried failure):
    // its write may have reached Azure. When ARM already shows what it would write, it is not sent again.
    const begun = index === job.step && jobProgressColumn.read(job.progress as never)?.step === index + 1;
    const already = !resumeState && begun ? await alreadyWritten(step) : undefined;
    if (already !== undefined) {
      result = { done: true, body: already };
    } else if (resumeState) {
      result = await resumeArmWrite(step, resumeState);
    } else {
      await updateJobProgress(db, job.id, { progress });
      await acquireArmWrite(db, budget.subscriptionId, budget.writesPerSecond);
      result = await startArmWrite(step);
    }
    let waiting = false;
    while (!result.done) {
      const saved = {
        operationState: result.resumeState,
        operationUrl: operationUrlOf(result.resumeState),
        progress,
      };
      if (waiting) await updateJobProgress(db, job.id, saved);
      else {
        await db.$transaction((tx) =>
          transitionJob(tx, {
            jobId: job.id,
            to: "WAITING_ON_AZURE",
            actor: SYSTEM_ACTOR,
            data: saved,
            details: { step: index + 1, of: steps.length },
          }),
        );
        waiting = true;
        // A poll at once would only repeat what the write's answer said; Azure asks for one after Retry-After.
        if (!resumeState) await new Promise((r) => setTimeout(r, FIRST_POLL_MS));
      }
      result = await resumeArmWrite(step, result.resumeState);
    }
    finalRead =
      waiting && step.method !== "POST" && result.body != null
        ? { id: step.id, body: result.body }
        : undefined;
    resumeState = null;
    const done = { step: index + 1, operationState: null, progress };
    if (waiting)
      await db.$transaction((tx) =>
        transitionJob(tx, {
          jobId: job.id,
          to: "RUNNING",
          actor: SYSTEM_ACTOR,
          data: done,
          details: { step: index + 1, of: steps.length },
        }),
      );
    else await updateJobProgress(db, job.id, done);
  }
  return { finalRead };
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
