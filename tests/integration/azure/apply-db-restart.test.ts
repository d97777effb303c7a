import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../../lib/db/create-db";
import { migrateDatabase } from "../../../lib/db/migrate";
import { startBoss } from "../../../lib/jobs/boss";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { enqueueApply } from "../../../lib/operations/enqueue-apply";
import { seedIsvResource, seedOnboardedCustomer } from "../../../prisma/seed/factories";
import { startChild, stopChildren } from "../../../scripts/lib/children";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../../scripts/lib/embedded-postgres";
import { control, installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";
import { armWritesSoFar } from "./emulator-counters";
import { createDiskEncryptionSet } from "./isv-resources";

const ADMIN = "admin@contoso.onmicrosoft.com";
const emulatorUrl = () => inject("emulatorUrl");

// This file owns its PostgreSQL, so it can stop and start it under a running worker.
let dir: string;
let pg: EmbeddedDatabase;
let db: Db;
let port: number;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-dbr-"));
  await fs.chmod(dir, 0o755);
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: "crosskey" });
  port = Number(new URL(pg.url).port);
  await migrateDatabase(pg.ownerUrl);
  db = createDb(pg.url, 4);
}, 60_000);
afterAll(async () => {
  await stopChildren();
  await db.$disconnect();
  await pg.stop();
  await control(emulatorUrl(), "settings", { lroSeconds: 1 }, "PATCH");
  await fs.rm(dir, { recursive: true, force: true });
});

describe("[jobs] the database restarts while a job waits on Azure", () => {
  it("the worker rides out the restart: the resource ends applied with the one write sent before it", async () => {
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
      vaultName: "kv-jobs-dbr",
      keyName: "cmk",
    });
    const seeded = await seedOnboardedCustomer(db, {
      name: "DB restart",
      tenantId: TENANTS.contoso.id,
      adminUpn: ADMIN,
      spObjectId,
      keyUri: "https://kv-jobs-dbr.vault.azure.net/keys/cmk",
      vaultHost: "kv-jobs-dbr.vault.azure.net",
      keyName: "cmk",
    });
    expect((await runKeyVerification(db, { keyId: seeded.key.id })).result?.outcome).toBe("verified");
    const armId = await createDiskEncryptionSet(emulatorUrl(), "des-jobs-dbr");
    const resource = await seedIsvResource(db, {
      armId,
      kind: "DISK_ENCRYPTION_SET",
      region: "westeurope",
      customerId: seeded.customer.id,
    });

    await control(emulatorUrl(), "settings", { lroSeconds: 8 }, "PATCH");
    startChild(
      "worker-dbr",
      path.resolve("node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/worker.ts"],
      { ...process.env, DATABASE_URL: pg.url, WORKER_CONCURRENCY: "2" },
      process.cwd(),
    );
    const writesBefore = await armWritesSoFar(emulatorUrl());
    const boss = await startBoss(pg.url, "producer");
    const { job } = await enqueueApply(db, boss, {
      resourceId: resource.id,
      actor: { type: "SYSTEM", id: "test" },
    });
    await boss.stop({ graceful: false });
    await waitFor(
      async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "WAITING_ON_AZURE",
      30_000,
    );

    await db.$disconnect();
    await pg.stop();
    await new Promise((r) => setTimeout(r, 3000));
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: "crosskey", port });
    expect(Number(new URL(pg.url).port)).toBe(port);
    db = createDb(pg.url, 4);

    await waitFor(
      async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "SUCCEEDED",
      60_000,
    );
    expect((await db.isvResource.findUniqueOrThrow({ where: { id: resource.id } })).cmkState).toBe("APPLIED");
    // Resumed, not restarted: the write sent before the restart is the only one Azure received.
    expect((await armWritesSoFar(emulatorUrl())) - writesBefore).toBe(1);
  }, 120_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
