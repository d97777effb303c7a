import type { ChildProcess } from "node:child_process";
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
  requestFleetRun,
  resumeFleetRun,
} from "../../../lib/operations/fleet-run";
import { seedIsvResource } from "../../../prisma/seed/factories";
import { startChild, stopChildren } from "../../../scripts/lib/children";
import { control } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { armWritesSoFar } from "./emulator-counters";
import { createStorageAccount } from "./isv-resources";
import { onboardedCustomer, STAFF } from "./onboarding-helpers";

// The "Done when" at fleet size: 300 resources of two customers, two worker processes (one SIGKILLed
// mid-run), a cancelled run, a paused and resumed one. Every resource must end in a state ARM reads back, with
// exactly one successful write each. Ceilings, not timings: a busy two-core machine can be slow.
const PER_CUSTOMER = 150;
const TOTAL = 2 * PER_CUSTOMER;
const REASON = "Fleet test: customers leaving, ticket 7300";
const { operator, admin, admin2, support } = STAFF;
const emulatorUrl = () => inject("emulatorUrl");

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let settingsBefore: Record<string, unknown>;
const customers = {} as Record<"contoso" | "woodgrove", { id: string; name: string }>;
const workers: ChildProcess[] = [];

function startWorker(name: string) {
  const env = { ...process.env, DATABASE_URL: t.url, WORKER_CONCURRENCY: "8", ARM_WRITES_PER_SECOND: "45" };
  // One node process per worker (tsx as a loader), so SIGKILL reaches the process doing the work.
  const child = startChild(
    name,
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    env,
    process.cwd(),
  );
  workers.push(child);
  return child;
}

async function inChunks<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const runOf = (id: string) => t.db.operationRun.findUniqueOrThrow({ where: { id } });
const progressOf = async (id: string) => getRunProgress(t.db, await runOf(id));
const runEvents = async (id: string) =>
  (
    await t.db.auditEvent.findMany({ where: { targetType: "run", targetId: id }, orderBy: { id: "asc" } })
  ).map((e) => e.action);

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  settingsBefore = (await control(emulatorUrl(), "settings")) as Record<string, unknown>;
  // Creating the accounts is set-up, not the subject: Azure's operations end at once and writes go at 50/s.
  await control(
    emulatorUrl(),
    "settings",
    { rolePropagationSeconds: 0, lroSeconds: 0, armWritesPerSecond: 50, armWriteBurst: 50 },
    "PATCH",
  );
  for (const which of ["contoso", "woodgrove"] as const) {
    customers[which] = await onboardedCustomer(t.db, which, `kv-scale-${which.slice(0, 5)}`);
    const names = Array.from({ length: PER_CUSTOMER }, (_, i) => `stscale${which.slice(0, 5)}${i}`);
    const armIds = await inChunks(names, 25, (name) => createStorageAccount(emulatorUrl(), name));
    for (const armId of armIds)
      await seedIsvResource(t.db, {
        armId,
        kind: "STORAGE_ACCOUNT",
        region: "westeurope",
        customerId: customers[which].id,
      });
  }
  startWorker("scale-w0");
  startWorker("scale-w1");
  // Every account gets its customer's key through the workers, as an operator's Apply would.
  for (const r of await t.db.isvResource.findMany({ select: { id: true }, orderBy: { id: "asc" } }))
    await enqueueApply(t.db, boss, { resourceId: r.id, actor: operator });
  await waitFor(
    "every account applied",
    async () => (await t.db.isvResource.count({ where: { cmkState: "APPLIED" } })) === TOTAL,
  );
  await control(emulatorUrl(), "settings", { lroSeconds: 1 }, "PATCH");
}, 600_000);

afterAll(async () => {
  await stopChildren();
  await boss.stop({ graceful: false });
  await control(emulatorUrl(), "settings", settingsBefore, "PATCH");
  await t.drop();
});

describe("[fleet] 300 resources, two customers, two workers (one SIGKILLed), cancel, pause and resume", () => {
  it("every resource ends reverted as ARM reads it back, each written exactly once", async () => {
    const before = await armWritesSoFar(emulatorUrl());

    // 1. Support asks to revert Contoso's accounts; an Admin approves; an Operator cancels early.
    const { run: first, needsApproval } = await requestFleetRun(t.db, boss, {
      operation: "REVERT",
      selection: { customerId: customers.contoso.id },
      reason: REASON,
      actor: support,
      roles: ["Support"],
    });
    expect(needsApproval).toBe(true);
    await approveFleetRun(t.db, boss, { runId: first.id, actor: admin, roles: ["Admin"] });
    await waitFor("the first run under way", async () => (await progressOf(first.id)).done >= 10);
    await cancelFleetRun(t.db, { runId: first.id, actor: operator, roles: ["Operator"] });
    await waitFor("the first run cancelled", async () => (await runOf(first.id)).state === "CANCELLED");
    const cancelled = await progressOf(first.id);
    expect(cancelled.failed).toBe(0);
    expect(cancelled.done).toBeLessThan(PER_CUSTOMER);
    expect(cancelled.cancelled).toBeGreaterThan(0);
    expect(await runEvents(first.id)).toEqual([
      "run.requested",
      "run.running",
      "run.cancelling",
      "run.cancelled",
    ]);
    // What ran is reverted; the rest of Contoso keeps its key.
    expect(
      await t.db.isvResource.count({
        where: { customerId: customers.contoso.id, cmkState: "MICROSOFT_MANAGED" },
      }),
    ).toBe(cancelled.done);

    // 2. An Admin reverts every account still on a customer key, both customers; another Admin approves.
    const { run: second, preview } = await requestFleetRun(t.db, boss, {
      operation: "REVERT",
      selection: { kind: "STORAGE_ACCOUNT", cmkState: "APPLIED" },
      reason: REASON,
      actor: admin,
      roles: ["Admin"],
    });
    const expected = TOTAL - cancelled.done;
    expect(preview.total).toBe(expected);
    await approveFleetRun(t.db, boss, { runId: second.id, actor: admin2, roles: ["Admin"] });

    // A worker dies mid-run (SIGKILL: no shutdown, its jobs in flight are redelivered to the other).
    await waitFor("the second run under way", async () => (await progressOf(second.id)).done >= 30);
    workers[0]!.kill("SIGKILL");
    await waitFor(
      "the second run past a third",
      async () => (await progressOf(second.id)).done >= expected / 3,
    );

    // Paused: what was in flight finishes (the killed worker's jobs after their heartbeat lapses), nothing new starts.
    // In flight is what the database shows RUNNING or WAITING_ON_AZURE, and also a job a worker admitted while the
    // run still ran, an instant before the pause committed, and has not yet marked RUNNING: the pause has settled
    // once no job is in flight and no ARM write arrived over three polls in a row.
    await pauseFleetRun(t.db, { runId: second.id, actor: operator, roles: ["Operator"] });
    let lastWrites = -1;
    let quietPolls = 0;
    await waitFor("the pause settled", async () => {
      const inFlight = await t.db.job.count({
        where: { runId: second.id, state: { in: ["RUNNING", "WAITING_ON_AZURE"] } },
      });
      const writes = await armWritesSoFar(emulatorUrl());
      quietPolls = inFlight === 0 && writes === lastWrites ? quietPolls + 1 : 0;
      lastWrites = writes;
      return quietPolls >= 3;
    });
    const paused = await progressOf(second.id);
    expect((await runOf(second.id)).state).toBe("PAUSED");
    expect(paused.done).toBeLessThan(expected);
    const writesPaused = await armWritesSoFar(emulatorUrl());
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await armWritesSoFar(emulatorUrl())).toBe(writesPaused);

    await resumeFleetRun(t.db, boss, { runId: second.id, actor: operator, roles: ["Operator"] });
    await waitFor("the second run finished", async () => (await runOf(second.id)).state === "FINISHED");
    expect(await progressOf(second.id)).toMatchObject({
      total: expected,
      done: expected,
      failed: 0,
      remaining: 0,
      percent: 100,
    });
    expect(await runEvents(second.id)).toEqual([
      "run.requested",
      "run.running",
      "run.paused",
      "run.running",
      "run.finished",
    ]);

    // Every account of both customers: Microsoft-managed in the inventory and in ARM's own answer.
    const resources = await t.db.isvResource.findMany({ select: { armId: true, cmkState: true } });
    expect(resources).toHaveLength(TOTAL);
    expect(resources.filter((r) => r.cmkState !== "MICROSOFT_MANAGED")).toEqual([]);
    const sources = await inChunks(resources, 20, async (r) => {
      const body = (await readResource(r.armId, "2025-06-01")) as {
        properties?: { encryption?: { keySource?: string } };
      };
      return body.properties?.encryption?.keySource;
    });
    expect(sources.filter((s) => s !== "Microsoft.Storage")).toEqual([]);
    // A revert is one write; each of the 300 accounts changed, so 300 writes is exactly one for each.
    expect((await armWritesSoFar(emulatorUrl())) - before).toBe(TOTAL);
  }, 900_000);
});
