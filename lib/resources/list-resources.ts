import "server-only";
import type { Db } from "@/lib/db/create-db";
import { jobErrorColumn, jobProgressColumn } from "@/lib/jobs/job-columns";
import { VERIFIED_KEY } from "@/lib/keys/verified-key";

/** The inventory with each resource's customer, key and latest job, for the console. */
export async function listResources(db: Db) {
  const [resources, customers] = await Promise.all([
    db.isvResource.findMany({
      orderBy: [{ kind: "asc" }, { name: "asc" }],
      include: {
        customer: { select: { id: true, name: true } },
        appliedKey: { select: { keyUri: true } },
        jobs: { orderBy: { createdAt: "desc" }, take: 1 },
      },
    }),
    db.customer.findMany({
      where: { keys: { some: VERIFIED_KEY } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return {
    resources: resources.map(({ jobs, ...resource }) => ({
      ...resource,
      jobs: jobs.map((job) => ({
        ...job,
        progress: jobProgressColumn.read(job.progress),
        error: jobErrorColumn.read(job.error),
      })),
    })),
    verifiedCustomers: customers,
  };
}
