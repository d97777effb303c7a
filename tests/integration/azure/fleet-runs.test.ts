import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readResource } from "../../../lib/azure/arm";
import { startBoss } from "../../../lib/jobs/boss";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import {
  approveFleetRun,
  cancelFleetRun,
  getRunProgress,
  pauseFleetRun,
  previewFleetRun,
  requestFleetRun,
  resumeFleetRun,
  runFleetBatch,
} from "../../../lib/operations/fleet-run";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { seedIsvResource } from "../../../prisma/seed/factories";
import { control } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { armWritesSoFar } from "./emulator-counters";
import { createStorageAccount } from "./isv-resources";
import { onboardedCustomer, STAFF } from "./onboarding-helpers";

const { operator, admin, support } = STAFF;
const REASON = "Customers leaving: ticket 5150";
/** Small batches and a small window, so a few dozen resources take several batches. */
const LIMITS = { batch: 10, window: 20 };
const PER_CUSTOMER = 20;

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
const customers = {} as Record<"contoso" | "woodgrove", { id: string; name: string }>;
const emulatorUrl = () => inject("emulatorUrl");

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0, lroSeconds: 1 }, "PATCH");
  for (const which of ["contoso", "woodgrove"] as const) {
    customers[which] = await onboardedCustomer(t.db, which, `kv-fleet-${which.slice(0, 5)}`);
    for (let i = 0; i < PER_CUSTOMER; i++) {
      const resource = await seedIsvResource(t.db, {
        armId: await createStorageAccount(emulatorUrl(), `stfleet${which.slice(0, 5)}${i}`),
        kind: "STORAGE_ACCOUNT",
        region: "westeurope",
        customerId: customers[which].id,
      });
      const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor: operator });
      expect(await drive(job.id)).toBe("succeeded");
    }
  }
}, 300_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
});

/** What a worker does with one job's messages. */
async function drive(jobId: string) {
  for (let i = 0; i < 15; i++) {
    const outcome = await runApplyJob(t.db, jobId, { writesPerSecond: 100 });
    if (outcome.kind !== "retry") return outcome.kind;
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
  throw new Error("job never finished");
}

const queuedJobs = (runId: string) =>
  t.db.job.findMany({ where: { runId, state: "QUEUED" }, orderBy: { id: "asc" }, select: { id: true } });

/** Batches and jobs until the run stops needing either: the workers, in one process. */
async function driveRun(runId: string) {
  for (let i = 0; i < 100; i++) {
    await runFleetBatch(t.db, boss, runId, LIMITS);
    const queued = await queuedJobs(runId);
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (queued.length === 0 && run.state !== "RUNNING") return run;
    for (const job of queued) await drive(job.id);
  }
  throw new Error("run never finished");
}

/** The encryption each account really has, read from ARM. */
async function keySources(customerId: string) {
  const resources = await t.db.isvResource.findMany({ where: { customerId }, orderBy: { name: "asc" } });
  return Promise.all(
    resources.map(async (r) => {
      const body = (await readResource(r.armId, "2025-06-01")) as {
        properties?: { encryption?: { keySource?: string } };
      };
      return { name: r.name, state: r.cmkState, keySource: body.properties?.encryption?.keySource };
    }),
  );
}

describe("[fleet] runs across customers: preview, four eyes, batches, pause, resume and cancel", () => {
  it("previews the aggregate from counts: resources by service and customer, writes, time at the budget, who must approve", async () => {
    const preview = await previewFleetRun(
      t.db,
      { operation: "REVERT", selection: { kind: "STORAGE_ACCOUNT" } },
      { roles: ["Support"] },
    );
    expect(preview.total).toBe(2 * PER_CUSTOMER);
    expect(preview.groups.map((g) => [g.customer, g.count, g.writes])).toEqual([
      [customers.contoso.name, PER_CUSTOMER, PER_CUSTOMER],
      [customers.woodgrove.name, PER_CUSTOMER, PER_CUSTOMER],
    ]);
    expect(preview.writes).toBe(2 * PER_CUSTOMER);
    expect(preview.secondsAtBudget).toBeGreaterThan(0);
    expect(preview.approvalReasons).toEqual([
      `It touches ${2 * PER_CUSTOMER} resources at once.`,
      "Support requests an operation; an Admin runs it after approving.",
    ]);
  });

  it("a cancelled run stops new writes: what ran is reverted in ARM, the rest keeps the customer's key", async () => {
    const before = await armWritesSoFar(emulatorUrl());
    const { run, needsApproval } = await requestFleetRun(t.db, boss, {
      operation: "REVERT",
      selection: { customerId: customers.woodgrove.id },
      reason: REASON,
      actor: support,
      roles: ["Support"],
    });
    expect(needsApproval).toBe(true);
    // Nothing happens before an Admin other than the requester approves.
    expect(await runFleetBatch(t.db, boss, run.id, LIMITS)).toEqual({ againInSeconds: null });
    await expect(
      approveFleetRun(t.db, boss, { runId: run.id, actor: support, roles: ["Support"] }),
    ).rejects.toThrow(/Only an Admin/);
    await approveFleetRun(t.db, boss, { runId: run.id, actor: admin, roles: ["Admin"] });
    await runFleetBatch(t.db, boss, run.id, LIMITS);
    const first = await queuedJobs(run.id);
    expect(first).toHaveLength(LIMITS.batch);
    for (const job of first.slice(0, 4)) expect(await drive(job.id)).toBe("succeeded");

    const { inFlight } = await cancelFleetRun(t.db, { runId: run.id, actor: operator, roles: ["Operator"] });
    expect(inFlight).toBe(0);
    // A message still in the queue for a cancelled job does nothing.
    expect(await runApplyJob(t.db, first[5]!.id, { writesPerSecond: 100 })).toEqual({ kind: "skipped" });
    expect(await runFleetBatch(t.db, boss, run.id, LIMITS)).toEqual({ againInSeconds: null });
    const ended = await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(ended.state).toBe("CANCELLED");
    const progress = await getRunProgress(t.db, ended);
    expect([progress.done, progress.cancelled, progress.failed]).toEqual([4, LIMITS.batch - 4, 0]);

    const sources = await keySources(customers.woodgrove.id);
    expect(
      sources.filter((s) => s.keySource === "Microsoft.Storage" && s.state === "MICROSOFT_MANAGED"),
    ).toHaveLength(4);
    expect(sources.filter((s) => s.keySource === "Microsoft.Keyvault" && s.state === "APPLIED")).toHaveLength(
      PER_CUSTOMER - 4,
    );
    expect((await armWritesSoFar(emulatorUrl())) - before).toBe(4);
  });

  it("a paused run holds its queued jobs; resumed, it finishes every resource of both customers once", async () => {
    const before = await armWritesSoFar(emulatorUrl());
    const { run, preview } = await requestFleetRun(t.db, boss, {
      operation: "REVERT",
      selection: { kind: "STORAGE_ACCOUNT", cmkState: "APPLIED" },
      reason: REASON,
      actor: admin,
      roles: ["Admin"],
    });
    const expected = 2 * PER_CUSTOMER - 4;
    expect(preview.total).toBe(expected);
    await expect(
      approveFleetRun(t.db, boss, { runId: run.id, actor: admin, roles: ["Admin"] }),
    ).rejects.toThrow(/another Admin must approve/);
    await approveFleetRun(t.db, boss, {
      runId: run.id,
      actor: { ...admin, id: "sec-admin@fabrikamcloud.onmicrosoft.com" },
      roles: ["Admin"],
    });
    await runFleetBatch(t.db, boss, run.id, LIMITS);
    await runFleetBatch(t.db, boss, run.id, LIMITS);
    // The window holds at most LIMITS.window jobs queued or running.
    const queued = await queuedJobs(run.id);
    expect(queued).toHaveLength(LIMITS.window);
    for (const job of queued.slice(0, 3)) expect(await drive(job.id)).toBe("succeeded");

    await pauseFleetRun(t.db, { runId: run.id, actor: operator, roles: ["Operator"] });
    for (const job of queued.slice(3)) expect(await drive(job.id)).toBe("skipped");
    expect(await t.db.job.count({ where: { runId: run.id, state: "PAUSED" } })).toBe(LIMITS.window - 3);
    expect(await runFleetBatch(t.db, boss, run.id, LIMITS)).toEqual({ againInSeconds: null });
    expect((await armWritesSoFar(emulatorUrl())) - before).toBe(3);
    await expect(pauseFleetRun(t.db, { runId: run.id, actor: support, roles: ["Support"] })).rejects.toThrow(
      /Operator or Admin/,
    );

    await resumeFleetRun(t.db, boss, { runId: run.id, actor: operator, roles: ["Operator"] });
    const ended = await driveRun(run.id);
    expect(ended.state).toBe("FINISHED");
    const progress = await getRunProgress(t.db, ended);
    expect(progress).toMatchObject({
      total: expected,
      done: expected,
      failed: 0,
      remaining: 0,
      percent: 100,
    });

    // Every account of both customers now reads back Microsoft-managed from ARM, each written exactly once.
    for (const customer of Object.values(customers)) {
      const sources = await keySources(customer.id);
      expect(
        sources.every((s) => s.keySource === "Microsoft.Storage" && s.state === "MICROSOFT_MANAGED"),
      ).toBe(true);
    }
    expect((await armWritesSoFar(emulatorUrl())) - before).toBe(expected);
    const events = await t.db.auditEvent.findMany({
      where: { targetType: "run", targetId: run.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual([
      "run.requested",
      "run.running",
      "run.paused",
      "run.running",
      "run.finished",
    ]);
  });
});
