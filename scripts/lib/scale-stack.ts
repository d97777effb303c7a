import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { runToCompletion, startChild, startSupervised, waitForHttp, type Supervised } from "./children.ts";
import { PROJECT_ROOT } from "./database.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startEmulatorProcess } from "./emulator-process.ts";
import { isBuildFresh } from "./next-build.ts";

/**
 * The production shape on one machine, throw-away: one PostgreSQL, the emulator, K `next start` instances
 * and W supervised workers (`npm run worker`), and in front a small round-robin proxy that plays the load
 * balancer (it sets X-Forwarded-For to the client's address, as Azure's front ends do). Used by the
 * scale-out test and `npm run bench:onboarding`. Needs a current `next build`.
 */
export interface ScaleStack {
  proxyUrl: string;
  emulatorUrl: string;
  databaseUrl: string;
  caFile: string;
  env: NodeJS.ProcessEnv;
  apps: ChildProcess[];
  workers: Supervised[];
  /** Customer tenants added to the emulator's world: `bench-1` … `bench-N`. */
  tenants: BenchTenant[];
  /** Requests the proxy sent to each instance. */
  served: number[];
  stop(): Promise<void>;
}

export interface BenchTenant {
  id: string;
  domain: string;
  subscription: string;
  adminUpn: string;
}

export async function startScaleStack(options: {
  dataDir: string;
  /** Where the emulator keeps its certificate: reuse one whose CA the caller's process already trusts. */
  emulatorDataDir: string;
  ports: { proxy: number; emulator: number; apps: number[] };
  workers: number;
  tenants: number;
  appEnv?: Record<string, string>;
  say: (line: string) => void;
}): Promise<ScaleStack> {
  const { say } = options;
  if (!(await isBuildFresh(PROJECT_ROOT)))
    throw new Error("the app build is not current: run `npm run build` first");
  const proxyUrl = `http://127.0.0.1:${options.ports.proxy}`;
  const emulatorUrl = `https://localhost:${options.ports.emulator}`;

  const pg = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, "postgres"),
    ephemeral: true,
  });
  // Migrations as production runs them: `npm run db:migrate`, its own step, before any app process starts.
  await runToCompletion(
    "migrate",
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/db-migrate.ts")],
    { ...process.env, DATABASE_URL: pg.url, MIGRATION_DATABASE_URL: pg.ownerUrl },
    PROJECT_ROOT,
  );
  const tenants = Array.from({ length: options.tenants }, (_, i) => benchTenant(i + 1));
  const world = path.join(options.dataDir, "world.json");
  fs.writeFileSync(world, JSON.stringify(worldWith(tenants)));
  const emulator = await startEmulatorProcess({
    url: emulatorUrl,
    dataDir: options.emulatorDataDir,
    world,
    appBaseUrl: proxyUrl,
    env: { ...process.env },
    timeoutMs: 180_000,
  });
  const { caFile } = emulator;
  say(`database and emulator ready (${tenants.length} customer tenants)`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: pg.url,
    SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
    APP_BASE_URL: proxyUrl,
    AZURE_CLOUD: "emulator",
    ALLOW_EMULATOR: "true",
    // The round-robin proxy below sets X-Forwarded-For to the address it received each request from.
    TRUSTED_PROXY_HOPS: "1",
    EMULATOR_URL: emulatorUrl,
    LOG_LEVEL: "warn",
    ...emulator.platformEnv,
    ...options.appEnv,
  };
  const apps = options.ports.apps.map((port, i) =>
    startChild(
      `app${i + 1}`,
      path.join(PROJECT_ROOT, "node_modules/.bin/next"),
      ["start", "--port", String(port), "--hostname", "127.0.0.1"],
      env,
      PROJECT_ROOT,
    ),
  );
  // `npm run worker`, each under a supervisor that starts it again if it dies (as a platform would).
  const workers = Array.from({ length: options.workers }, (_, i) =>
    startSupervised(
      `worker${i + 1}`,
      () =>
        startChild(
          `worker${i + 1}`,
          process.execPath,
          ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/worker.ts")],
          env,
          PROJECT_ROOT,
        ),
      say,
    ),
  );
  await Promise.all(
    options.ports.apps.map((port) => waitForHttp(`http://127.0.0.1:${port}/api/health/live`, 120_000)),
  );
  const proxy = startProxy(options.ports.proxy, options.ports.apps);
  say(`${apps.length} app instances and ${workers.length} workers behind ${proxyUrl}`);

  return {
    proxyUrl,
    emulatorUrl,
    databaseUrl: pg.url,
    caFile,
    env,
    apps,
    workers,
    tenants,
    served: proxy.served,
    async stop() {
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
      proxy.server.closeAllConnections();
      await Promise.all(workers.map((w) => w.stop(25_000)));
      await Promise.all(
        apps.map(
          (app) =>
            new Promise<void>((resolve) => {
              if (app.exitCode !== null || app.signalCode !== null) return resolve();
              app.once("exit", () => resolve());
              app.kill("SIGTERM");
            }),
        ),
      );
      await pg.stop();
      await new Promise<void>((resolve) => {
        if (emulator.child.exitCode !== null || emulator.child.signalCode !== null) return resolve();
        emulator.child.once("exit", () => resolve());
        emulator.child.kill("SIGTERM");
      });
    },
  };
}

/**
 * Round-robin per client address: each client's consecutive requests go to the next instance, so one
 * customer's sign-in, consent and key steps land on different instances. An instance that refuses the
 * connection (stopped, or killed) is skipped, as a load balancer's probe would take it out; a request
 * already delivered is never sent twice.
 */
function startProxy(port: number, targets: number[]) {
  const served = targets.map(() => 0);
  const nextByClient = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => forward(0));
    const forward = (tried: number) => {
      if (tried >= targets.length) {
        res.writeHead(502).end("no instance answered");
        return;
      }
      const client = req.socket.remoteAddress ?? "";
      const turn = nextByClient.get(client) ?? 0;
      nextByClient.set(client, turn + 1);
      const index = turn % targets.length;
      const upstream = http.request(
        {
          host: "127.0.0.1",
          port: targets[index],
          // A connection per request: a dead instance then refuses the connection (and is skipped) instead of
          // failing a request on a kept-alive socket that was already delivered to nobody.
          agent: false,
          method: req.method,
          path: req.url,
          headers: {
            ...req.headers,
            // Appended, as real proxies do: whatever the client wrote stays to the left, untrusted.
            "x-forwarded-for": [req.headers["x-forwarded-for"], req.socket.remoteAddress]
              .filter(Boolean)
              .join(", "),
            "x-forwarded-proto": "http",
          },
        },
        (answer) => {
          served[index]!++;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED" && !res.headersSent) forward(tried + 1);
        else if (!res.headersSent) res.writeHead(502).end(`instance failed: ${error.code ?? error.message}`);
        else res.destroy();
      });
      upstream.end(Buffer.concat(body));
    };
  });
  server.listen(port, "127.0.0.1");
  return { server, served };
}

function benchTenant(i: number): BenchTenant {
  const hex = i.toString(16).padStart(4, "0");
  return {
    id: `b0000000-0000-4000-8000-00000000${hex}`,
    domain: `bench${i}.onmicrosoft.com`,
    subscription: `bbbbbbbb-0000-4000-8000-00000000${hex}`,
    adminUpn: `admin@bench${i}.onmicrosoft.com`,
  };
}

function adminObjectId(t: BenchTenant) {
  return t.id.replace(/^b/, "d");
}

/** The demo world plus one customer tenant per simulated customer, each with a Global Administrator. */
function worldWith(tenants: BenchTenant[]) {
  const world = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "emulator/world/demo.json"), "utf8")) as {
    tenants: unknown[];
    arm: { roleAssignments: unknown[] };
  };
  // Each admin owns their subscription, as the customer's script expects (it creates a vault there).
  world.arm.roleAssignments.push(
    ...tenants.map((t) => ({
      scope: `/subscriptions/${t.subscription}`,
      roleDefinitionId: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      principalId: adminObjectId(t),
      principalType: "User",
    })),
  );
  world.tenants.push(
    ...tenants.map((t, i) => ({
      id: t.id,
      displayName: `Bench customer ${i + 1}`,
      domains: [t.domain],
      users: [
        {
          id: adminObjectId(t),
          upn: t.adminUpn,
          displayName: `Admin ${i + 1}`,
          password: "Passw0rd!",
          directoryRoles: ["Global Administrator"],
        },
      ],
      subscriptions: [{ subscriptionId: t.subscription, displayName: `Bench ${i + 1}` }],
    })),
  );
  return world;
}
