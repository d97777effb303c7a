/**
 * `npm run bench:health [-- --keys N --tenants T --workers W]`: the key-health monitor at scale. Seeds T customer
 * tenants in the emulator (each with the ISV app consented, a vault, N/T keys and the service role) and the same
 * keys in a throw-away database, starts W real workers, fires one sweep, and waits until every key has been
 * checked through the federated chain. Prints the wall time and how many token requests the customer tenants
 * saw (goal: at most one per tenant per interval). Not a test: nothing here passes or fails.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/create-db.ts";
import { migrateDatabase } from "../lib/db/migrate.ts";
import { startBoss } from "../lib/jobs/boss.ts";
import { startChild, stopChildren } from "./lib/children.ts";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "10000" },
    tenants: { type: "string", default: "1000" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "16" },
    port: { type: "string", default: "8448" },
  },
});
const KEYS = Number(values.keys);
const TENANTS = Number(values.tenants);
const PER_TENANT = Math.ceil(KEYS / TENANTS);
const EMULATOR_URL = `https://localhost:${values.port}`;
const CMK_APP = "22222222-2222-4222-8222-222222222222";
const SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
const ROOT = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.log(`[bench] ${line}`);
const hex = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(12, "0")}`;
const tenantId = (i: number) => hex("b0000000-0000-4000-8000-", i);
const subId = (i: number) => hex("b1000000-0000-4000-8000-", i);
const spId = (i: number) => hex("b2000000-0000-4000-8000-", i);
const vault = (i: number) => `kvbench${String(i).padStart(5, "0")}`;

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-bench-health-"));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, port: 0 });
try {
  await migrateDatabase(pg.ownerUrl);
  const world = JSON.parse(await fs.readFile(path.join(ROOT, "emulator/world/demo.json"), "utf8")) as {
    tenants: unknown[];
    servicePrincipals?: unknown[];
    arm: { resourceGroups?: unknown[]; resources?: unknown[]; roleAssignments?: unknown[]; keys?: unknown[] };
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const vaultId = (i: number) =>
    `/subscriptions/${subId(i)}/resourceGroups/rg-bench/providers/Microsoft.KeyVault/vaults/${vault(i)}`;
  world.tenants.push(
    ...range(TENANTS).map((i) => ({
      id: tenantId(i),
      displayName: `Bench tenant ${i}`,
      domains: [`bench${i}.onmicrosoft.com`],
      subscriptions: [{ subscriptionId: subId(i) }],
    })),
  );
  world.servicePrincipals = [
    ...(world.servicePrincipals ?? []),
    ...range(TENANTS).map((i) => ({ tenantId: tenantId(i), appId: CMK_APP, id: spId(i) })),
  ];
  world.arm.resourceGroups = [
    ...(world.arm.resourceGroups ?? []),
    ...range(TENANTS).map((i) => ({ subscriptionId: subId(i), name: "rg-bench", location: "westeurope" })),
  ];
  world.arm.resources = [
    ...(world.arm.resources ?? []),
    ...range(TENANTS).map((i) => ({
      id: vaultId(i),
      type: "Microsoft.KeyVault/vaults",
      location: "westeurope",
      properties: {
        tenantId: tenantId(i),
        vaultUri: `https://${vault(i)}.vault.azure.net/`,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      },
    })),
  ];
  world.arm.roleAssignments = [
    ...(world.arm.roleAssignments ?? []),
    ...range(TENANTS).map((i) => ({
      scope: vaultId(i),
      roleDefinitionId: SERVICE_ENCRYPTION_USER,
      principalId: spId(i),
      principalType: "ServicePrincipal",
    })),
  ];
  world.arm.keys = [
    ...(world.arm.keys ?? []),
    ...range(TENANTS).flatMap((i) =>
      range(PER_TENANT).map((k) => ({ vault: vault(i), name: `cmk${k}`, kty: "RSA", size: 3072 })),
    ),
  ];
  const worldFile = path.join(dir, "world.json");
  await fs.writeFile(worldFile, JSON.stringify(world));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: pg.url,
    AZURE_CLOUD: "emulator",
    EMULATOR_URL,
    SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    // Keys share a few real RSA pairs: generating 10,000 would take the benchmark's whole time.
    EMULATOR_KEY_MATERIAL_POOL: "16",
    // The sweep is fired by hand below; the schedule must not add another during the run.
    KEY_HEALTH_INTERVAL_MINUTES: "1440",
    WORKER_CONCURRENCY: values.concurrency,
  };
  // This process sends jobs with the app's own code (startBoss logs through the app's configuration): it runs
  // with the same settings as the workers it starts.
  Object.assign(process.env, env);
  say(`starting the emulator with ${TENANTS} extra tenants and ${TENANTS * PER_TENANT} keys…`);
  const { caFile, platformEnv } = await startEmulatorProcess({
    url: EMULATOR_URL,
    dataDir: path.join(dir, "emulator"),
    env,
    world: worldFile,
  });
  Object.assign(env, platformEnv);

  const db = createDb(pg.url, 4);
  const now = new Date();
  for (let start = 0; start < TENANTS; start += 200) {
    const batch = range(Math.min(200, TENANTS - start)).map((j) => start + j);
    const rows = batch.flatMap((i) => range(PER_TENANT).map((k) => ({ i, k, id: crypto.randomUUID() })));
    await db.customer.createMany({
      data: rows.map((r) => ({
        id: r.id,
        name: `Bench ${r.i}-${r.k}`,
        nameKey: `bench ${r.i}-${r.k}`,
        createdBy: "bench",
      })),
    });
    const invites = rows.map((r) => ({
      ...r,
      inviteId: crypto.randomUUID(),
      onboardingId: crypto.randomUUID(),
    }));
    await db.invite.createMany({
      data: invites.map((r) => ({
        id: r.inviteId,
        customerId: r.id,
        tokenHash: crypto.randomBytes(32).toString("hex"),
        expiresAt: new Date(now.getTime() + 86_400_000),
        createdBy: "bench",
        services: ["STORAGE_ACCOUNT"],
      })),
    });
    await db.tenantOnboarding.createMany({
      data: invites.map((r) => ({
        id: r.onboardingId,
        customerId: r.id,
        inviteId: r.inviteId,
        state: "KEY_VERIFIED" as const,
        tenantId: tenantId(r.i),
        servicePrincipalObjectId: spId(r.i),
      })),
    });
    await db.customerKey.createMany({
      data: invites.map((r) => ({
        customerId: r.id,
        onboardingId: r.onboardingId,
        tenantId: tenantId(r.i),
        keyUri: `https://${vault(r.i)}.vault.azure.net/keys/cmk${r.k}`,
        vaultHost: `${vault(r.i)}.vault.azure.net`,
        vaultKind: "VAULT" as const,
        keyName: `cmk${r.k}`,
        submittedBy: "bench",
        verificationStatus: "VERIFIED" as const,
        lastVerifiedAt: now,
        keyType: "RSA",
        keySize: 3072,
        keyEnabled: true,
      })),
    });
  }
  const total = await db.customerKey.count();
  say(`seeded ${total} verified keys in ${TENANTS} tenants; starting ${values.workers} worker(s)`);

  // This process trusts the emulator's CA explicitly (NODE_EXTRA_CA_CERTS is only read at start-up).
  const ca = await fs.readFile(caFile);
  const statsOf = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      https
        .get(`${EMULATOR_URL}/_emulator/stats`, { ca }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () =>
            resolve(
              (JSON.parse(body) as { entra: { tokensByTenant: Record<string, number> } }).entra
                .tokensByTenant,
            ),
          );
        })
        .on("error", reject);
    });
  for (let w = 0; w < Number(values.workers); w++)
    startChild(
      `worker${w}`,
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/worker.ts"],
      env,
      ROOT,
    );
  const boss = await startBoss(pg.url, "producer");
  const before = await statsOf();
  const started = performance.now();
  await boss.send("key-health-sweep", {});
  let lastLog = 0;
  let checked = 0;
  for (;;) {
    checked = await db.customerKey.count({ where: { healthCheckedAt: { gte: now } } });
    if (checked >= total) break;
    if (performance.now() - lastLog > 10_000) {
      say(`${checked}/${total} keys checked after ${((performance.now() - started) / 1000).toFixed(0)} s`);
      lastLog = performance.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const wall = (performance.now() - started) / 1000;
  const after = await statsOf();
  const benchTenants = new Set(range(TENANTS).map((i) => tenantId(i)));
  let tokens = 0;
  for (const [tenant, count] of Object.entries(after))
    if (benchTenants.has(tenant)) tokens += count - (before[tenant] ?? 0);
  const health = await db.customerKey.groupBy({ by: ["health"], _count: { _all: true } });
  say(`health: ${health.map((h) => `${h.health}=${h._count._all}`).join(" ")}`);
  const broken = await db.customerKey.findMany({
    where: { health: { not: "HEALTHY" } },
    select: { keyUri: true, healthFindings: true, verification: true },
    take: 2,
  });
  for (const b of broken)
    say(`not healthy: ${b.keyUri}: ${JSON.stringify(b.healthFindings)} ${JSON.stringify(b.verification)}`);
  await boss.stop({ graceful: false });
  await db.$disconnect();
  console.log(
    `health-bench keys=${total} tenants=${TENANTS} wall_s=${wall.toFixed(1)} token_requests=${tokens}`,
  );
} finally {
  await stopChildren();
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
