import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { expect, test } from "./fixtures";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { pickAccount } from "../../scripts/lib/emulated-customer";
import { HttpBrowser, readActionIds } from "../../scripts/lib/http-browser";
import { onboardOverHttp } from "../../scripts/lib/http-onboarding";
import { checkOnboardings, type CustomerView } from "../../scripts/lib/onboarding-check";
import { startScaleStack, type ScaleStack } from "../../scripts/lib/scale-stack";

/**
 * Production shape, proven here: two `next start` instances and two supervised workers on one PostgreSQL,
 * behind a proxy that sends each client's consecutive requests to alternate instances. Customers onboard and
 * the operator applies keys through both; then one instance and one worker are killed (SIGKILL) and nothing
 * is lost. Starting five processes on a shared two-core machine takes minutes, hence the long timeout.
 */
test.describe.configure({ mode: "serial", timeout: 15 * 60_000 });

const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const CMK_APP = "22222222-2222-4222-8222-222222222222";
const ISV_SUB = "aaaaaaaa-0000-4000-8000-000000000001";
let stack: ScaleStack;
// The test reads the database with its own client: lib/ modules are server-only (they load in the app).
let db: PrismaClient;
let operator: HttpBrowser;
let dataDir: string;
const say = (line: string) => console.log(`[scale-out] ${line}`);

test.beforeAll(async () => {
  // Two app instances, two workers, PostgreSQL and an emulator: on a busy machine that takes minutes.
  test.setTimeout(300_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-scale-"));
  fs.chmodSync(dataDir, 0o755);
  stack = await startScaleStack({
    dataDir,
    // The test process trusts this folder's CA (playwright.config.ts), so the second emulator reuses it.
    emulatorDataDir: path.resolve(".cache/e2e-emulator"),
    ports: { proxy: 9100 + offset, emulator: 9101 + offset, apps: [9102 + offset, 9103 + offset] },
    workers: 2,
    tenants: 6,
    say,
  });
  db = new PrismaClient({ adapter: new PrismaPg({ connectionString: stack.databaseUrl, max: 4 }) });
  // The ISV's operator signs in through the proxy too, and creates every invite in the console.
  operator = new HttpBrowser(stack.proxyUrl, "127.4.0.1");
  const signIn = await operator.get("/auth/signin?returnTo=/console");
  const back = await pickAccount(String(signIn.headers.location), "ops-admin@fabrikamcloud.onmicrosoft.com");
  const callback = new URL(back.headers.get("location") ?? "");
  expect((await operator.get(callback.pathname + callback.search)).headers.location).toMatch(/\/console$/);
});

test.afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const views: CustomerView[] = [];
const customers: { customerId: string; onboardingId: string }[] = [];

async function onboard(i: number) {
  const form = new FormData();
  form.set("customerName", `Scale customer ${i}`);
  form.append("services", "STORAGE_ACCOUNT");
  const created = (
    await operator.action(
      "/console/invites/new",
      readActionIds(process.cwd(), "app/console/actions.ts").createInvite!,
      [null, form],
    )
  ).value as { ok: boolean; error?: string; inviteUrl?: string; onboardingId?: string };
  expect(created.ok, created.error).toBe(true);
  const onboarding = await db.tenantOnboarding.findUniqueOrThrow({ where: { id: created.onboardingId! } });
  const invite = {
    token: new URL(created.inviteUrl!).pathname.split("/").pop()!,
    onboarding,
    customer: { id: onboarding.customerId },
  };
  const view: CustomerView = {
    onboardingId: invite.onboarding.id,
    tenantId: stack.tenants[i - 1]!.id,
    vaultName: `bench-kv-${i}`,
    confirmed: "INVITED",
  };
  views.push(view);
  customers.push({ customerId: invite.customer.id, onboardingId: invite.onboarding.id });
  const states: Record<string, CustomerView["confirmed"]> = {
    "finish sign-in": "SIGNED_IN",
    consent: "CONSENTED",
    "submit key": "KEY_SUBMITTED",
  };
  await onboardOverHttp({
    browser: new HttpBrowser(stack.proxyUrl, `127.2.0.${i}`),
    token: invite.token,
    tenant: stack.tenants[i - 1]!,
    index: i,
    emulatorUrl: stack.emulatorUrl,
    cmkAppClientId: CMK_APP,
    actions: readActionIds(process.cwd(), "app/onboard/actions.ts"),
    stepDone: (step, _seconds, ok) => {
      if (ok && states[step]) view.confirmed = states[step]!;
    },
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 5 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// A verified key moves on: APPLIED once a resource uses it, HEALTHY after the monitor's first check.
const verifiedCount = () =>
  db.tenantOnboarding.count({ where: { state: { in: ["KEY_VERIFIED", "APPLIED", "HEALTHY"] } } });

test("[scale] customers onboard through two instances taking turns; sessions and consent state cross them", async () => {
  await Promise.all([1, 2, 3, 4].map((i) => onboard(i)));
  await waitFor("four verified keys", async () => (await verifiedCount()) === 4);
  expect(stack.served[0]).toBeGreaterThan(10);
  expect(stack.served[1]).toBeGreaterThan(10);
});

test("[scale] a rate limit is one budget across instances", async () => {
  // One client address, requests alternating between the instances, until the app refuses one.
  const browser = new HttpBrowser(stack.proxyUrl, "127.3.0.1");
  const id = readActionIds(process.cwd(), "app/onboard/actions.ts").beginCustomerSignIn!;
  const refused = (answer: { status: number; value: unknown }) =>
    answer.status === 429 || /too many/i.test(String((answer.value as { error?: string })?.error));
  let sent = 0;
  let last = await browser.action("/onboard/x", id, ["not-a-token"]);
  while (!refused(last) && sent < 300) {
    last = await browser.action("/onboard/x", id, ["not-a-token"]);
    sent++;
  }
  expect(refused(last)).toBe(true);
  // The next request lands on the other instance: it knows the budget is spent too.
  expect(refused(await browser.action("/onboard/x", id, ["not-a-token"]))).toBe(true);
});

test("[scale] the operator applies keys through both instances; killing an instance and a worker loses nothing", async () => {
  process.env.IDENTITY_ENDPOINT ??= `${stack.emulatorUrl}/msi/token`;
  process.env.IDENTITY_HEADER ??= "crosskey-emulator-identity-header";
  const arm = new ResourceManagementClient(
    new ManagedIdentityCredential({ clientId: "66666666-6666-4666-8666-666666666666" }),
    ISV_SUB,
    { endpoint: stack.emulatorUrl },
  );
  const armIds = [];
  for (let i = 1; i <= 4; i++) {
    const id = `/subscriptions/${ISV_SUB}/resourceGroups/crosskey-isv/providers/Microsoft.Storage/storageAccounts/scaleout${i}`;
    await arm.resources.beginCreateOrUpdateByIdAndWait(
      id,
      "2025-06-01",
      { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
      { updateIntervalInMs: 200 },
    );
    armIds.push(id);
  }

  const actions = readActionIds(process.cwd(), "app/console/resources/actions.ts");
  const ok = (answer: { value: unknown }) =>
    expect((answer.value as { ok?: boolean })?.ok, JSON.stringify(answer.value)).toBe(true);
  ok(await operator.action("/console/resources", actions.discoverResourcesAction!, []));
  const wanted = new Set(armIds.map((a) => a.toLowerCase()));
  const found = (await db.isvResource.findMany({ orderBy: { armId: "asc" } })).filter((r) =>
    wanted.has(r.armId.toLowerCase()),
  );
  expect(found).toHaveLength(4);
  for (const [i, resource] of found.entries()) {
    ok(
      await operator.action("/console/resources", actions.assignResourceAction!, [
        resource.id,
        customers[i]!.customerId,
      ]),
    );
    ok(await operator.action("/console/resources", actions.applyAction!, [resource.id, "scale-out test"]));
  }

  // While the jobs run: one app instance and one worker die hard. The proxy stops sending to the dead
  // instance; the worker is started again by its supervisor; pg-boss hands the dead worker's jobs on.
  await waitFor(
    "an apply job to start",
    async () => (await db.job.count({ where: { state: { not: "QUEUED" } } })) > 0,
  );
  // Wait for the exit: a signal is only sent, and a request that reaches the dying instance in between is
  // reset mid-flight, which a load balancer cannot replay either.
  const app1 = stack.apps[0]!;
  const app1Gone = new Promise((resolve) => app1.once("exit", resolve));
  app1.kill("SIGKILL");
  await app1Gone;
  stack.workers[0]!.current().kill("SIGKILL");
  say("killed app1 and worker1");

  // Customers keep onboarding through what is left.
  await Promise.all([5, 6].map((i) => onboard(i)));
  await waitFor("six verified keys", async () => (await verifiedCount()) === 6);
  await waitFor(
    "every apply job to finish",
    async () =>
      (await db.job.count({ where: { state: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] } } })) === 4,
  );

  const jobs = await db.job.findMany({ include: { resource: true } });
  expect(jobs.map((j) => j.state)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
  expect(jobs.map((j) => j.resource?.cmkState)).toEqual(["APPLIED", "APPLIED", "APPLIED", "APPLIED"]);
  // Each job finished exactly once: one "applied" audit event per resource.
  for (const resource of found)
    expect(await db.auditEvent.count({ where: { action: "cmk.applied", targetId: resource.armId } })).toBe(1);

  const report = await checkOnboardings(db, views);
  expect(report).toEqual({ verified: 6, lost: [], brokenChains: [], crossTenant: [] });
  // The supervisor starts the killed worker again after its backoff (1 s); on a quiet machine everything
  // above can finish sooner than that.
  await waitFor(
    "the killed worker to be started again",
    async () => stack.workers[0]!.restarts() >= 1,
    60_000,
  );
  expect(stack.workers[0]!.restarts()).toBe(1);
});
