/**
 * `npm run bench:console [-- --customers N --seconds S --rounds R]`: seeds the console's volumes into two
 * throw-away databases (N customers, and 1,000), serves each with the built app, signs an operator in through
 * the real flow (the emulator's Microsoft sign-in page in Chromium), and measures in one interleaved run at 20
 * concurrent connections the p95 of a static file and of each console page at both sizes, the HTML each page
 * sends, and the JavaScript the customer's invite page loads before anyone clicks. Not a test: nothing here
 * passes or fails; the last line is the summary.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { chromium, type Page } from "@playwright/test";
import { createDb } from "../lib/db/create-db.ts";
import { migrateDatabase } from "../lib/db/migrate.ts";
import { createCustomerInvite } from "../lib/onboarding/create-customer-invite.ts";
import { seedAtScale, type ScaleVolumes } from "../prisma/seed/seed-at-scale.ts";
import { benchConsolePorts } from "./lib/bench-console-ports.ts";
import { findBrowser } from "./lib/browser.ts";
import { runToCompletion, startChild, stopChildren, waitForHttp } from "./lib/children.ts";
import { createDatabase, startEmbeddedPostgres, withDatabase } from "./lib/embedded-postgres.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";
import { isBuildFresh } from "./lib/next-build.ts";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    seconds: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "20" },
    // Default 3400 + TEST_PORT_OFFSET (scripts/lib/bench-console-ports.ts).
    port: { type: "string" },
  },
});
const CUSTOMERS = Number(values.customers);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const PORTS = benchConsolePorts(values.port);
const BIG_URL = `http://localhost:${PORTS.big}`;
const SMALL_URL = `http://localhost:${PORTS.small}`;
const EMULATOR_URL = `https://localhost:${PORTS.emulator}`;
const ROOT = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.log(`[bench] ${line}`);
const LIGHTHOUSE = "lighthouse@12.2.3";

/** The volumes, scaled to the customer count (100,000 customers ↔ 1,000,000 audit events). */
const volumes = (customers: number): ScaleVolumes => ({
  customers,
  verifiedKeys: Math.round(customers * 0.6),
  resources: Math.round(customers * 2.5),
  jobs: customers * 3,
  auditEvents: customers * 10,
  detailEvents: 5_000,
});

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-bench-console-"));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, port: 0 });
try {
  // Created, migrated and bulk-seeded (VACUUM ANALYZE) as the owner; served as the app's role
  // (docs/database.md, "Roles").
  const owner: Record<string, string> = {};
  for (const name of ["console_big", "console_small"])
    await migrateDatabase((owner[name] = await createDatabase(pg.ownerUrl, name)));
  const bigDb = withDatabase(pg.url, "console_big");
  const smallDb = withDatabase(pg.url, "console_small");
  let started = Date.now();
  const big = await seedAtScale(owner.console_big!, volumes(CUSTOMERS));
  say(
    `seeded ${CUSTOMERS.toLocaleString("en-US")} customers in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  started = Date.now();
  const small = await seedAtScale(owner.console_small!, volumes(1_000));
  say(`seeded 1,000 customers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const inviteToken = await createInviteToken(bigDb);

  const sessionSecret = crypto.randomBytes(48).toString("base64url");
  const { platformEnv } = await startEmulatorProcess({
    url: EMULATOR_URL,
    appBaseUrl: BIG_URL,
    dataDir: path.join(dir, "emulator"),
    env: process.env,
  });
  const appEnv = (databaseUrl: string, baseUrl: string): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    APP_BASE_URL: baseUrl,
    EMULATOR_URL,
    AZURE_CLOUD: "emulator",
    ALLOW_EMULATOR: "true",
    TRUSTED_PROXY_HOPS: "0",
    SESSION_SECRET: sessionSecret,
    LOG_LEVEL: "warn",
    ...platformEnv,
  });
  const next = path.join(ROOT, "node_modules/.bin/next");
  if (!(await isBuildFresh(ROOT))) {
    say("building the app (next build)…");
    await runToCompletion("build", next, ["build"], appEnv(bigDb, BIG_URL), ROOT);
  }
  for (const [db, url] of [
    [bigDb, BIG_URL],
    [smallDb, SMALL_URL],
  ] as const) {
    startChild("app", next, ["start", "--port", new URL(url).port], appEnv(db, url), ROOT);
    await waitForHttp(url, 60_000);
  }

  const browser = await chromium.launch({
    executablePath: findBrowser()?.executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  let cookie: string;
  let firstLoadJs: { files: number; gzipBytes: number };
  try {
    // Both apps share the session secret, so the operator's sealed session cookie opens both.
    cookie = await signInOperator(await browser.newPage({ ignoreHTTPSErrors: true }));
    firstLoadJs = await measureFirstLoadJs(await browser.newPage(), `${BIG_URL}/onboard/${inviteToken}`);
  } finally {
    await browser.close();
  }

  const routes = [
    { name: "static", base: BIG_URL, path: "/icon.svg" },
    { name: "console", base: BIG_URL, path: "/console" },
    { name: "resources", base: BIG_URL, path: "/console/resources" },
    { name: "detail", base: BIG_URL, path: `/console/onboardings/${big.detailOnboardingId}` },
    { name: "console@1k", base: SMALL_URL, path: "/console" },
    { name: "resources@1k", base: SMALL_URL, path: "/console/resources" },
    { name: "detail@1k", base: SMALL_URL, path: `/console/onboardings/${small.detailOnboardingId}` },
  ];
  for (const route of routes.slice(1)) {
    const response = await fetch(route.base + route.path, { headers: { cookie } });
    const html = await response.text();
    say(`${route.name}: HTTP ${response.status}, ${(Buffer.byteLength(html) / 1024).toFixed(1)} kB of HTML`);
  }

  const latencies = new Map<string, number[]>(routes.map((r) => [r.name, []]));
  let errors = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const route of routes) {
      const result = await load(route.base + route.path, cookie);
      latencies.get(route.name)!.push(...result.latencies);
      errors += result.errors;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    say(`round ${round} of ${ROUNDS} done`);
  }
  const p95 = (name: string) => percentile(latencies.get(name)!, 95);
  for (const route of routes)
    say(
      `${route.name.padEnd(13)} p95 ${p95(route.name).toFixed(0).padStart(5)} ms  p50 ${percentile(latencies.get(route.name)!, 50).toFixed(0).padStart(5)} ms  (${latencies.get(route.name)!.length} requests)`,
    );
  say(
    `customer invite page: ${firstLoadJs.files} scripts, ${(firstLoadJs.gzipBytes / 1024).toFixed(1)} kB gzipped before any click`,
  );
  await runLighthouse(`${BIG_URL}/onboard/${inviteToken}`);

  const pages = ["console", "resources", "detail"];
  const worst = pages.reduce((a, b) => (p95(a) >= p95(b) ? a : b));
  const scaleRatio = Math.max(...pages.map((p) => p95(p) / p95(`${p}@1k`)));
  console.log(
    `console-bench customers=${CUSTOMERS} p95_static_ms=${p95("static").toFixed(0)} p95_console_ms=${p95("console").toFixed(0)} p95_resources_ms=${p95("resources").toFixed(0)} p95_detail_ms=${p95("detail").toFixed(0)} scale_ratio=${scaleRatio.toFixed(2)} static_ratio=${(p95(worst) / p95("static")).toFixed(1)} errors=${errors}`,
  );
} finally {
  await stopChildren();
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

async function createInviteToken(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl, 2);
  try {
    const created = await createCustomerInvite(db, {
      customerName: "Bench Invitee",
      services: ["STORAGE_ACCOUNT"],
      actor: { type: "OPERATOR", id: "bench@crosskey.local", role: "Admin" },
      ttlDays: 14,
    });
    return created.token;
  } finally {
    await db.$disconnect();
  }
}

/** The real sign-in: the app redirects to the emulator's Microsoft page, the operator picks an account. */
async function signInOperator(page: Page): Promise<string> {
  await page.goto(`${BIG_URL}/console`);
  await page.getByRole("button", { name: /ops-admin@fabrikamcloud\.onmicrosoft\.com/ }).click();
  await page.waitForURL(`${BIG_URL}/console`);
  const cookies = await page.context().cookies(BIG_URL);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Every script the page loads before any interaction, as the browser receives it, gzipped. */
async function measureFirstLoadJs(page: Page, url: string): Promise<{ files: number; gzipBytes: number }> {
  const bodies: Promise<Buffer>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") bodies.push(response.body());
  });
  await page.goto(url, { waitUntil: "networkidle" });
  const scripts = await Promise.all(bodies);
  return {
    files: scripts.length,
    gzipBytes: scripts.reduce((sum, body) => sum + zlib.gzipSync(body).length, 0),
  };
}

/** `CONNECTIONS` loops requesting one URL for `SECONDS` seconds; each latency is one full response. */
async function load(url: string, cookie: string): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const start = performance.now();
        try {
          const response = await fetch(url, { headers: { cookie } });
          await response.arrayBuffer();
          if (response.status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, errors };
}

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Lighthouse on the customer's page, run with the project's Node and Chromium. It is pinned and installed on
 * first use into .cache/lighthouse (as `npm run a11y:lighthouse` does), not into the app's dependencies.
 */
async function runLighthouse(url: string) {
  const prefix = path.join(ROOT, ".cache/lighthouse");
  const cli = path.join(prefix, "node_modules/lighthouse/cli/index.js");
  const run = promisify(execFile);
  try {
    if (!(await fs.stat(cli).catch(() => undefined))) {
      say(`installing ${LIGHTHOUSE} into .cache/lighthouse…`);
      await run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", LIGHTHOUSE], { cwd: ROOT });
    }
    // Lighthouse finds no browser by itself when the only one is Playwright's (findBrowser then returns no
    // path, because Playwright knows where its own is): CHROME_PATH names it either way.
    const browser = findBrowser();
    const chrome = browser && (browser.executablePath ?? chromium.executablePath());
    const output = path.join(dir, "lighthouse.json");
    await run(
      process.execPath,
      [
        cli,
        url,
        "--quiet",
        "--only-categories=performance,accessibility",
        "--output=json",
        `--output-path=${output}`,
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
      ],
      { env: { ...process.env, ...(chrome && { CHROME_PATH: chrome }) }, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(await fs.readFile(output, "utf8")) as {
      categories: Record<string, { score: number | null }>;
    };
    const score = (name: string) => Math.round((report.categories[name]?.score ?? 0) * 100);
    say(
      `lighthouse on the invite page: performance ${score("performance")}, accessibility ${score("accessibility")}`,
    );
  } catch (error) {
    // execFile's message is the command line; why it failed is in what Lighthouse printed.
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    const reason = `${stderr ?? ""}\n${stdout ?? ""}`.trim().split("\n").slice(-15).join("\n");
    say(`lighthouse did not run: ${reason || String(error)}`);
  }
}
