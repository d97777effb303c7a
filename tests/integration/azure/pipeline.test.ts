import type { PgBoss } from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { CMK_MODULES } from "../../../lib/cmk";
import { startBoss } from "../../../lib/jobs/boss";
import { jobPlanColumn } from "../../../lib/jobs/job-columns";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { planApply } from "../../../lib/operations/plan-apply";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { seedIsvResource, seedOnboardedCustomer } from "../../../prisma/seed/factories";
import { control, installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { createStorageAccount } from "./isv-resources";

const ADMIN = "admin@contoso.onmicrosoft.com";
const actor = { type: "OPERATOR" as const, id: "operator@fabrikamcloud.onmicrosoft.com", role: "Operator" };
const emulatorUrl = () => inject("emulatorUrl");

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let boss: PgBoss;
let customerId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await startBoss(t.url, "producer");
  const spObjectId = await installApp(
    emulatorUrl(),
    TENANTS.contoso.id,
    ADMIN,
    "22222222-2222-4222-8222-222222222222",
  );
  await runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANTS.contoso,
    adminUpn: ADMIN,
    spObjectId,
    vaultName: "kv-pipeline",
    keyName: "cmk",
  });
  const seeded = await seedOnboardedCustomer(t.db, {
    name: "Contoso Pipeline",
    tenantId: TENANTS.contoso.id,
    adminUpn: ADMIN,
    spObjectId,
    keyUri: "https://kv-pipeline.vault.azure.net/keys/cmk",
    vaultHost: "kv-pipeline.vault.azure.net",
    keyName: "cmk",
  });
  expect((await runKeyVerification(t.db, { keyId: seeded.key.id })).result?.outcome).toBe("verified");
  customerId = seeded.customer.id;
}, 60_000);
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await boss.stop({ graceful: false });
  await t.drop();
});

const writesSoFar = async () =>
  ((await control(emulatorUrl(), "stats")) as { arm: { accepted: { writes: number } } }).arm.accepted.writes;

/** Review, then apply through the job as the worker would run it; what was reviewed, stored and written. */
async function reviewThenApply(name: string) {
  const armId = await createStorageAccount(emulatorUrl(), name);
  const resource = await seedIsvResource(t.db, {
    armId,
    kind: "STORAGE_ACCOUNT",
    region: "westeurope",
    customerId,
  });
  const reviewed = await planApply(t.db, resource.id);
  const before = await writesSoFar();
  const { job } = await enqueueApply(t.db, boss, { resourceId: resource.id, actor });
  expect(await runApplyJob(t.db, job.id, { writesPerSecond: 50 })).toEqual({ kind: "succeeded" });
  const ran = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
  return {
    reviewed: reviewed.steps,
    stored: jobPlanColumn.read(ran.plan)?.steps,
    progress: ran.progress,
    writes: (await writesSoFar()) - before,
  };
}

describe("[pipeline] the review screen and the job run the same plan", () => {
  it("a change to a resource module's plan shows in the review and in what the job writes", async () => {
    const usual = await reviewThenApply("stpipeusual");
    expect(usual.reviewed).toHaveLength(1);
    expect(usual.stored).toEqual(usual.reviewed);
    expect(usual.writes).toBe(1);

    // The module now plans a second, marked write: both the review and the job must follow it.
    const storage = CMK_MODULES.STORAGE_ACCOUNT;
    const plan = storage.plan.bind(storage);
    vi.spyOn(storage, "plan").mockImplementation((input) => {
      const [write] = plan(input);
      return [write!, { ...write!, description: `Confirm: ${write!.description}` }];
    });
    const changed = await reviewThenApply("stpipechanged");
    expect(changed.reviewed).toHaveLength(2);
    expect(changed.reviewed[1]!.description).toMatch(/^Confirm: /);
    expect(changed.stored).toEqual(changed.reviewed);
    expect(changed.progress).toMatchObject({ step: 2, of: 2, description: changed.reviewed[1]!.description });
    expect(changed.writes).toBe(2);
  });
});
