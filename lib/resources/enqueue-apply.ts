import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { setResourceState } from "./resource-state";

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
  const activeKey = `resource:${input.resourceId}`;
  const existing = await db.job.findUnique({ where: { activeKey } });
  if (existing) return { job: existing, created: false };
  let job;
  try {
    job = await db.$transaction(async (tx) => {
      const resource = await tx.isvResource.findUnique({ where: { id: input.resourceId } });
      if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
      if (!resource.customerId)
        throw new AppError("CONFLICT", `Assign ${resource.name} to a customer before applying a key.`);
      const key = await tx.customerKey.findFirst({
        where: { customerId: resource.customerId, status: "ACTIVE", verificationStatus: "VERIFIED" },
        orderBy: { createdAt: "desc" },
      });
      if (!key) throw new AppError("CONFLICT", "This customer has no verified key yet.");
      const created = await tx.job.create({
        data: {
          kind: "APPLY_CMK",
          activeKey,
          resourceId: resource.id,
          customerKeyId: key.id,
          requestedBy: input.actor.id ?? "unknown",
          reason: input.reason,
        },
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

export async function sendApplyMessage(db: Db, boss: PgBoss, jobId: string, startAfterSeconds?: number) {
  const bossJobId = await boss.send("apply-cmk", { jobId }, { startAfter: startAfterSeconds });
  if (bossJobId) await db.job.update({ where: { id: jobId }, data: { bossJobId } });
}
