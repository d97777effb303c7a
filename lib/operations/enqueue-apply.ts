import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record-audit-event";
import { createJob } from "@/lib/jobs/job-state";
import { sendApplyMessage } from "@/lib/jobs/queues";
import { setResourceState } from "@/lib/resources/resource-state";
import { getApplyTarget } from "./plan-apply";

/** One active job per resource: the job's `activeKey` while it runs. */
export const resourceJobKey = (resourceId: string) => `resource:${resourceId}`;

/**
 * Queues "apply the customer's key" for one resource. Idempotent: while a job for the resource is active,
 * asking again returns that job. The job row and its audit event commit together; the queue message follows,
 * and the worker's sweep re-sends any row whose message was lost.
 */
export async function enqueueApply(
  db: Db,
  boss: PgBoss,
  input: { resourceId: string; actor: Actor; reason?: string; requestId?: string },
) {
  const activeKey = resourceJobKey(input.resourceId);
  const existing = await db.job.findUnique({ where: { activeKey } });
  if (existing) return { job: existing, created: false };
  let job;
  try {
    job = await db.$transaction(async (tx) => {
      const { resource, key } = await getApplyTarget(tx, input.resourceId);
      const created = await createJob(tx, {
        kind: "APPLY_CMK",
        activeKey,
        resourceId: resource.id,
        customerKeyId: key.id,
        customerId: resource.customerId ?? undefined,
        actor: input.actor,
        reason: input.reason,
        requestId: input.requestId,
      });
      await setResourceState(tx, {
        resourceId: resource.id,
        to: "PENDING",
        actor: input.actor,
        action: "cmk.apply_requested",
        details: { jobId: created.id, keyId: key.id, keyUri: key.keyUri, reason: input.reason ?? null },
        requestId: input.requestId,
      });
      return created;
    });
  } catch (error) {
    // Two operators pressing Apply at once: the unique active key lets one job through.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { job: await db.job.findUniqueOrThrow({ where: { activeKey } }), created: false };
    }
    throw error;
  }
  await sendApplyMessage(db, boss, job.id);
  return { job, created: true };
}
