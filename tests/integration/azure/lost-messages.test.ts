import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readResource } from "../../../lib/azure/arm";
import { startBoss } from "../../../lib/jobs/boss";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { approveFleetRun, getRunProgress, requestFleetRun } from "../../../lib/operations/fleet-run";
import { seedIsvResource, seedOnboardedCustomer } from "../../../prisma/seed/factories";
import { startChild, stopChildren } from "../../../scripts/lib/children";
import { control, installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { armWritesSoFar } from "./emulator-counters";
import { createStorageAccount } from "./isv-resources";
import { onboardedCustomer, STAFF } from "./onboarding-helpers";

// "Nothing is ever lost": every state change commits first and its pg-boss message follows. A process that dies
// between the two (here: a pg-boss whose pool is gone, so the send fails after the commit) leaves rows that no
// message points at. A real worker process (scripts/worker.ts) must find that work from the rows and finish it.
const { operator, admin } = STAFF;
const COUNT = 5;
const emulatorUrl = () => inject("emulatorUrl");

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
/** A producer whose process "died": its pool is closed, so every send after a commit fails. */
let dead: PgBoss;
let settingsBefore: Record<string, unknown>;
let customer: { id: string; name: string };
const resourceIds: string[] = [];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The process died a minute ago: the rows it committed look as old as that to the worker's sweep. */
async function aMinuteAgo(table: "Job" | "OperationRun" | "CustomerKey", id: string) {
  await t.owner.$executeRawUnsafe(
    `UPDATE "${table}" SET "createdAt" = now() - interval '1 minute', "updatedAt" = now() - interval '1 minute' WHERE id = $1::uuid`,
    id,
  );
}

/** The encryption each of the customer's accounts really has, read from ARM. */
async function keySources() {
  const resources = await t.db.isvResource.findMany({ where: { customerId: customer.id } });
  return Promise.all(
    resources.map(async (r) => {
      const body = (await readResource(r.armId, "2025-06-01")) as {
        properties?: { encryption?: { keySource?: string } };
      };
      return { state: r.cmkState, keySource: body.properties?.encryption?.keySource };
    }),
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  dead = await startBoss(t.url, "producer");
  await dead.stop({ graceful: false });
  settingsBefore = (await control(emulatorUrl(), "settings")) as Record<string, unknown>;
  await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0, lroSeconds: 0 }, "PATCH");
  customer = await onboardedCustomer(t.db, "contoso", "kv-lost-conto");
  for (let i = 0; i < COUNT; i++) {
    const resource = await seedIsvResource(t.db, {
      armId: await createStorageAccount(emulatorUrl(), `stlostmsg${i}`),
      kind: "STORAGE_ACCOUNT",
      region: "westeurope",
      customerId: customer.id,
    });
    resourceIds.push(resource.id);
  }
  const env = { ...process.env, DATABASE_URL: t.url, WORKER_CONCURRENCY: "4" };
  startChild(
    "lost-w0",
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    env,
    process.cwd(),
  );
}, 180_000);

afterAll(async () => {
  await stopChildren();
  await boss.stop({ graceful: false });
  await control(emulatorUrl(), "settings", settingsBefore, "PATCH");
  await t.drop();
});

describe("[durability] work whose message was lost after its commit is found and finished by the worker", () => {
  it("apply jobs committed without a message: each resource gets its key, read back from ARM", async () => {
    for (const resourceId of resourceIds) {
      await expect(enqueueApply(t.db, dead, { resourceId, actor: operator })).rejects.toThrow();
      const job = await t.db.job.findFirstOrThrow({ where: { resourceId, state: "QUEUED" } });
      expect(job.bossJobId).toBeNull();
      await aMinuteAgo("Job", job.id);
    }
    await waitFor(
      "every account applied",
      async () =>
        (await t.db.isvResource.count({ where: { customerId: customer.id, cmkState: "APPLIED" } })) === COUNT,
    );
    const sources = await keySources();
    expect(sources.every((s) => s.keySource === "Microsoft.Keyvault" && s.state === "APPLIED")).toBe(true);
  });

  it("a fleet run whose first batch was never sent: it runs to the end, every resource written once and read back", async () => {
    const before = await armWritesSoFar(emulatorUrl());
    const { run, needsApproval } = await requestFleetRun(t.db, boss, {
      operation: "REVERT",
      selection: { customerId: customer.id },
      reason: "Customer leaving: ticket 4711",
      actor: operator,
      roles: ["Operator"],
    });
    expect(needsApproval).toBe(true);
    // The approval commits (the run is RUNNING) and the process dies before the batch's message goes out.
    await expect(
      approveFleetRun(t.db, dead, { runId: run.id, actor: admin, roles: ["Admin"] }),
    ).rejects.toThrow();
    const approved = await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([approved.state, approved.total, approved.cursor]).toEqual(["RUNNING", COUNT, null]);
    expect(await boss.findJobs("fleet-run", { key: run.id })).toEqual([]);
    await aMinuteAgo("OperationRun", run.id);

    await waitFor(
      "the run finished",
      async () => (await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).state === "FINISHED",
    );
    const ended = await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(await getRunProgress(t.db, ended)).toMatchObject({
      total: COUNT,
      done: COUNT,
      failed: 0,
      remaining: 0,
    });
    const sources = await keySources();
    expect(sources.every((s) => s.keySource === "Microsoft.Storage" && s.state === "MICROSOFT_MANAGED")).toBe(
      true,
    );
    expect((await armWritesSoFar(emulatorUrl())) - before).toBe(COUNT);
    const events = await t.db.auditEvent.findMany({
      where: { targetType: "run", targetId: run.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["run.requested", "run.running", "run.finished"]);
  });

  it("a key submitted and never verified (the process died first) is verified by the worker", async () => {
    const tenant = TENANTS.woodgrove;
    const adminUpn = `admin@${tenant.domain}`;
    const spObjectId = await installApp(
      emulatorUrl(),
      tenant.id,
      adminUpn,
      "22222222-2222-4222-8222-222222222222",
    );
    const script = await runCustomerScript({
      emulatorUrl: emulatorUrl(),
      tenant,
      adminUpn,
      spObjectId,
      vaultName: "kv-lost-woodg",
      keyName: "cmk",
    });
    const seeded = await seedOnboardedCustomer(t.db, {
      name: "Woodgrove lost message",
      tenantId: tenant.id,
      adminUpn,
      spObjectId,
      keyUri: script.versionlessUri,
      vaultHost: "kv-lost-woodg.vault.azure.net",
      keyName: "cmk",
    });
    expect(seeded.key.verificationStatus).toBe("VERIFYING");
    // Submitted five minutes ago; nothing verified it since.
    await t.owner
      .$executeRaw`UPDATE "CustomerKey" SET "createdAt" = now() - interval '5 minutes' WHERE id = ${seeded.key.id}::uuid`;

    await waitFor(
      "the key verified",
      async () =>
        (await t.db.customerKey.findUniqueOrThrow({ where: { id: seeded.key.id } })).verificationStatus ===
        "VERIFIED",
    );
    const onboarding = await t.db.tenantOnboarding.findUniqueOrThrow({
      where: { id: seeded.key.onboardingId },
    });
    expect(onboarding.state).toBe("KEY_VERIFIED");
  });
});
