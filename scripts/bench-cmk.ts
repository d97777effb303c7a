/**
 * `npm run bench:cmk [-- --resources N --rate R --concurrency C --workers W --kind storage-account|sql-database|
 * disk-encryption-set --op apply|rotate --kill-worker]`: applies a verified customer key to N emulated storage
 * accounts (or N databases of one SQL server, each given its own database-level protector, or N disk encryption
 * sets) through the real job path (pg-boss workers as their own processes, the per-subscription write budget, the
 * ARM adapter) with the emulator's write limit at R/s, and prints the figures. With `--op rotate` it applies the
 * key to N disk encryption sets untimed, has the customer rotate the key, and times one approved fleet run
 * rotating all N; `--kill-worker` SIGKILLs one of two or more workers a third of the way through the timed phase.
 * Its last line (scripts/lib/bench-cmk-report.ts) counts what really ended applied and failed; the exit code is
 * non-zero unless all N did. Timing is reported, never judged.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb } from "../lib/db/create-db.ts";
import { migrateDatabase } from "../lib/db/migrate.ts";
import { startBoss } from "../lib/jobs/boss.ts";
import { enqueueApply } from "../lib/operations/enqueue-apply.ts";
import { approveFleetRun, getRunProgress, requestFleetRun } from "../lib/operations/fleet-run.ts";
import { startChild, stopChildren } from "./lib/children.ts";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { execFileSync } from "node:child_process";
import { TENANTS } from "./lib/emulated-customer.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";
import { benchSummary, parseBenchOptions, type WriteBucket } from "./lib/bench-cmk-report.ts";
import { benchTargets } from "./lib/bench-cmk-targets.ts";
import { cpuSeconds, phaseProfile, sampleSessions } from "./lib/bench-cmk-profile.ts";

const options = parseBenchOptions(process.argv.slice(2));
const N = options.resources;
const RATE = options.rate;
// A run makes progress every few seconds; this long without one means jobs are stuck, and the run says so.
const STALL_MS = 120_000;
const EMULATOR_URL = `https://localhost:${options.port}`;
const ISV_SUB = "aaaaaaaa-0000-4000-8000-000000000001";
const ROOT = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.log(`[bench] ${line}`);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-bench-"));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, port: 0 });
try {
  await migrateDatabase(pg.ownerUrl);

  // The world: the demo one plus N resources that already exist in the ISV's subscription: storage accounts,
  // one SQL server with N databases, or (--op rotate) disk encryption sets, which pin a key version.
  const world = JSON.parse(await fs.readFile(path.join(ROOT, "emulator/world/demo.json"), "utf8")) as {
    arm: { resources?: unknown[] };
  };
  const rotate = options.op === "rotate";
  const targets = benchTargets(options.kind, N);
  world.arm.resources = [...(world.arm.resources ?? []), ...targets.world];
  const worldFile = path.join(dir, "world.json");
  await fs.writeFile(worldFile, JSON.stringify(world));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: pg.url,
    AZURE_CLOUD: "emulator",
    EMULATOR_URL,
    SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
  };
  // This process sends jobs with the app's own code (startBoss logs through the app's configuration): it runs
  // with the same settings as the workers it starts.
  Object.assign(process.env, env);
  const { platformEnv, child: emulator } = await startEmulatorProcess({
    url: EMULATOR_URL,
    dataDir: path.join(dir, "emulator"),
    env,
    world: worldFile,
    verbose: options.trace,
  });
  Object.assign(env, {
    ...platformEnv,
    // The workers' own budget sits just under Azure's limit: bucket clocks never agree exactly, and a 429 costs
    // a Retry-After (at least a second) where pacing costs milliseconds.
    ARM_WRITES_PER_SECOND: String(RATE * 0.95),
    WORKER_CONCURRENCY: String(options.concurrency),
  });
  // Calls to the emulator run in child processes that trust its CA (NODE_EXTRA_CA_CERTS is read only at start).
  const customerCli = (...args: string[]) =>
    JSON.parse(
      execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/emulated-customer-cli.ts", ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .at(-1)!,
    ) as unknown;
  const control = (p: string, body?: unknown, method?: string) =>
    customerCli(
      "control",
      EMULATOR_URL,
      p,
      ...(body ? [JSON.stringify(body)] : []),
      ...(method ? [method] : []),
    );

  // The customer's side, as their script does it: consent (service principal), vault, key, role.
  const { spObjectId, keyId } = customerCli(
    "consent-and-key",
    EMULATOR_URL,
    "contoso",
    "kv-bench",
    "cmk",
  ) as { spObjectId: string; keyId: string };
  const version = keyId.split("/").at(-1)!;

  // Crosskey's side: a customer with that key verified, and the N resources assigned to it.
  const db = createDb(pg.url, 4);
  const customer = await db.customer.create({
    data: { name: "Bench", nameKey: "bench", createdBy: "bench" },
  });
  const invite = await db.invite.create({
    data: {
      customerId: customer.id,
      tokenHash: crypto.randomBytes(32).toString("hex"),
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: "bench",
      services: [targets.rows[0]?.kind ?? "STORAGE_ACCOUNT"],
    },
  });
  const onboarding = await db.tenantOnboarding.create({
    data: {
      customerId: customer.id,
      inviteId: invite.id,
      state: "KEY_VERIFIED",
      tenantId: TENANTS.contoso.id,
      servicePrincipalObjectId: spObjectId,
    },
  });
  const key = await db.customerKey.create({
    data: {
      customerId: customer.id,
      onboardingId: onboarding.id,
      tenantId: TENANTS.contoso.id,
      keyUri: "https://kv-bench.vault.azure.net/keys/cmk",
      vaultHost: "kv-bench.vault.azure.net",
      vaultKind: "VAULT",
      keyName: "cmk",
      submittedBy: "bench",
      verificationStatus: "VERIFIED",
      verifiedVersion: version,
      keyType: "RSA",
      keySize: 3072,
      keyEnabled: true,
    },
  });
  await db.isvResource.createMany({
    data: targets.rows.map((r) => ({
      ...r,
      armIdKey: r.armId.toLowerCase(),
      subscriptionId: ISV_SUB,
      resourceGroup: "crosskey-isv",
      region: "westeurope",
      customerId: customer.id,
    })),
  });
  const resources = await db.isvResource.findMany({ select: { id: true } });

  // The emulator's limit: R writes/s with a one-second bucket. The floor comes from the bucket it reports back.
  const settings = control("settings", { armWritesPerSecond: RATE, armWriteBurst: RATE }, "PATCH") as {
    armWritesPerSecond: number;
    armWriteBurst: number;
  };
  const bucket: WriteBucket = { rate: settings.armWritesPerSecond, burst: settings.armWriteBurst };
  const boss = await startBoss(pg.url, "producer");
  say(
    `seeded ${N} ${{ "storage-account": "storage accounts", "sql-database": "SQL databases on one server", "disk-encryption-set": "disk encryption sets" }[options.kind]}; starting ${options.workers} worker(s) × ${options.concurrency}; emulator writes ${bucket.rate}/s, burst ${bucket.burst}`,
  );
  const statsBefore = control("stats") as {
    arm: { accepted: { writes: number; reads: number }; throttled: { writes: number; reads: number } };
  };

  // Each worker is one node process (tsx as a loader), so SIGKILL reaches the process doing the work.
  const workers = Array.from({ length: options.workers }, (_, w) =>
    startChild(
      `worker${w}`,
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
      env,
      ROOT,
    ),
  );
  let started = performance.now();
  for (const r of resources)
    await enqueueApply(db, boss, { resourceId: r.id, actor: { type: "SYSTEM", id: "bench" } });
  // Applying: the timed phase (--op apply), or the set-up of what --op rotate then rotates.
  await waitFor(
    "applied",
    async () => {
      const byState = await db.job.groupBy({ by: ["state"], _count: { _all: true } });
      const count = (s: string) => byState.find((b) => b.state === s)?._count._all ?? 0;
      return { done: count("SUCCEEDED"), failed: count("FAILED") };
    },
    () => started,
  );
  let wall = (performance.now() - started) / 1000;
  let statsFrom = statsBefore;
  let applied = await db.isvResource.count({ where: { cmkState: "APPLIED" } });
  let failed = await db.job.count({ where: { state: "FAILED" } });

  if (rotate) {
    say(
      `set-up: ${applied} disk encryption sets applied in ${wall.toFixed(1)} s; the customer rotates the key`,
    );
    // The customer rotates the key; the bench stands in for the health monitor's reading of the new version.
    const rotated = customerCli("rotate-key", EMULATOR_URL, "contoso", "kv-bench", "cmk") as {
      version: string;
    };
    await db.customerKey.update({ where: { id: key.id }, data: { latestVersion: rotated.version } });
    // The limiter's bucket fills up again before the timed phase, as the floor assumes.
    await new Promise((r) => setTimeout(r, (bucket.burst / bucket.rate) * 1000 + 1000));
    statsFrom = control("stats") as typeof statsBefore;
    const postmaster = Number(
      (await fs.readFile(path.join(dir, "pg/postmaster.pid"), "utf8")).split("\n")[0],
    );
    const cpu = () => ({
      bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
      emulator: cpuSeconds(emulator.pid),
      workers: workers.reduce((n, w) => n + cpuSeconds(w.pid), 0),
      postgres: cpuSeconds(postmaster),
    });
    const cpuBefore = cpu();
    const sessions = sampleSessions(db);
    const runStartedAt = new Date();
    started = performance.now();
    const { run } = await requestFleetRun(db, boss, {
      operation: "ROTATE",
      selection: { customerId: customer.id },
      reason: "cmk-bench: rotate every disk encryption set",
      actor: { type: "OPERATOR", id: "bench-requester" },
      roles: ["Operator"],
    });
    await approveFleetRun(db, boss, {
      runId: run.id,
      actor: { type: "OPERATOR", id: "bench-approver" },
      roles: ["Admin"],
    });
    let killed = false;
    await waitFor(
      "rotated",
      async () => {
        const current = await db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
        const progress = await getRunProgress(db, current);
        if (options.killWorker && !killed && workers.length > 1 && progress.done >= N / 3) {
          killed = true;
          workers[0]!.kill("SIGKILL");
          say(`SIGKILL worker0 at ${progress.done}/${N} rotated; worker1 carries on`);
        }
        return {
          done: progress.done,
          failed: progress.failed,
          finished: current.state === "FINISHED" || current.state === "CANCELLED",
        };
      },
      () => started,
    );
    wall = (performance.now() - started) / 1000;
    const cpuAfter = cpu();
    const waiting = await sessions.stop();
    for (const line of await phaseProfile(db, run.id, runStartedAt)) say(line);
    say(`database sessions, mean of samples: ${waiting}`);
    say(
      `CPU seconds in the timed phase: ${Object.entries(cpuAfter)
        .map(([name, s]) => `${name} ${(s - cpuBefore[name as keyof typeof cpuBefore]).toFixed(1)}`)
        .join(", ")} (load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
    applied = await db.isvResource.count({
      where: { cmkState: "APPLIED", appliedKeyVersion: rotated.version },
    });
    failed = await db.job.count({ where: { runId: run.id, state: "FAILED" } });
  }

  const stats = control("stats") as typeof statsBefore;
  const writes = stats.arm.accepted.writes - statsFrom.arm.accepted.writes;
  const throttled = stats.arm.throttled.writes - statsFrom.arm.throttled.writes;
  const readThrottled = stats.arm.throttled.reads - statsFrom.arm.throttled.reads;
  const reads = stats.arm.accepted.reads - statsFrom.arm.accepted.reads;
  say(
    `${rotate ? "rotated" : "applied"} ${applied}/${N}, failed ${failed}; ARM writes accepted ${writes} (${writes === N ? "exactly one per resource" : `expected ${N}`}), throttled ${throttled} (${((100 * throttled) / Math.max(1, writes + throttled)).toFixed(2)}%); reads accepted ${reads}, throttled ${readThrottled}`,
  );
  const summary = benchSummary({
    resources: N,
    bucket,
    wallSeconds: wall,
    applied,
    failed,
    throttled: { writes: throttled, reads: readThrottled },
    kind: options.kind,
    op: options.op,
  });
  say(`wall ${wall.toFixed(1)} s; floor (N - burst) / rate from the emulator's bucket`);
  console.log(summary.line);
  process.exitCode = summary.exitCode;
  await boss.stop({ graceful: false });
  await db.$disconnect();

  /** Polls until every resource has an outcome (or the phase stalls), logging progress every 10 s. */
  async function waitFor(
    what: string,
    read: () => Promise<{ done: number; failed: number; finished?: boolean }>,
    since: () => number,
  ) {
    let lastLog = 0;
    let lastDone = -1;
    let lastProgress = performance.now();
    for (;;) {
      const { done, failed: failing, finished } = await read();
      if (performance.now() - lastLog > 10_000) {
        say(`${((performance.now() - since()) / 1000).toFixed(0)} s: ${done} ${what}, ${failing} failed`);
        lastLog = performance.now();
      }
      if (finished ?? done + failing >= N) return;
      if (done + failing !== lastDone) [lastDone, lastProgress] = [done + failing, performance.now()];
      if (performance.now() - lastProgress > STALL_MS) {
        say(`nothing finished for ${STALL_MS / 1000} s: stopping with ${N - done - failing} unfinished`);
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
} finally {
  await stopChildren();
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
