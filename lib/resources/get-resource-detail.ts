import "server-only";
import type { Db } from "@/lib/db/create-db";

/** One resource as its console page shows it: where it stands, the key it uses and its customer. */
export function getResourceDetail(db: Db, resourceId: string) {
  return db.isvResource.findUnique({
    where: { id: resourceId },
    include: {
      customer: { select: { id: true, name: true } },
      appliedKey: { select: { keyUri: true, latestVersion: true, verifiedVersion: true } },
    },
  });
}

/** The resource's latest jobs (operations and applies), newest first: a page of them, never the whole history. */
export function findResourceJobs(db: Db, resourceId: string, take = 10) {
  return db.job.findMany({
    where: { resourceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      kind: true,
      state: true,
      requestedBy: true,
      approvedBy: true,
      reason: true,
      progress: true,
      error: true,
      createdAt: true,
      finishedAt: true,
    },
  });
}

/**
 * The resource's audit timeline: its own events (assigned, requested, applied, reverted …) and those of the
 * given jobs (queued, approved, cancelled), newest first, at most `take`.
 */
export function findResourceTimeline(db: Db, input: { armId: string; jobIds: string[]; take?: number }) {
  return db.auditEvent.findMany({
    where: {
      OR: [
        { targetType: "resource", targetId: input.armId },
        ...(input.jobIds.length ? [{ targetType: "job", targetId: { in: input.jobIds } }] : []),
      ],
    },
    orderBy: { id: "desc" },
    take: input.take ?? 40,
  });
}
