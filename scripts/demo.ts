/**
 * `npm run demo`: the whole product on this machine. Embedded PostgreSQL (unless DATABASE_URL is set),
 * migrations, demo data, the local Azure emulator, the background worker and the app. Ctrl-C stops it all.
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigurationError, parseEnv } from "../lib/env.ts";
import { migrateDatabase } from "../lib/db/migrate.ts";
import { resolveDatabase, DATA_DIR, PROJECT_ROOT } from "./lib/database.ts";
import { localSecret } from "./lib/local-secrets.ts";
import { isBuildFresh } from "./lib/next-build.ts";
import { runToCompletion, startChild, stopChildren, waitForHttp } from "./lib/children.ts";
import { seedDemo } from "./lib/seed-demo.ts";

const say = (line: string) => console.log(`[demo] ${line}`);
const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules/.bin", name);

if (fs.existsSync(path.join(PROJECT_ROOT, ".env"))) process.loadEnvFile(path.join(PROJECT_ROOT, ".env"));
process.env.NEXT_TELEMETRY_DISABLED = "1";

const sessionSecret = process.env.SESSION_SECRET || (await localSecret(DATA_DIR, "session"));
let config;
try {
  // DATABASE_URL may be absent here: the embedded database provides it below.
  config = parseEnv({ ...process.env, SESSION_SECRET: sessionSecret, DATABASE_URL: process.env.DATABASE_URL || "postgresql://embedded/crosskey" });
} catch (error) {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
}

let db: Awaited<ReturnType<typeof resolveDatabase>> | undefined;
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  await stopChildren();
  await db?.stop();
  say("stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  db = await resolveDatabase({ log: say });
  const migrated = await migrateDatabase(db.url);
  say(`database ready (${migrated.applied.length} new migration(s), ${migrated.alreadyApplied.length} already applied)`);

  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, SESSION_SECRET: sessionSecret };
  const emulatorMain = path.join(PROJECT_ROOT, "emulator/src/main.ts");
  if (config.AZURE_CLOUD === "emulator") {
    if (!fs.existsSync(emulatorMain)) {
      say("The local Azure emulator is not in this checkout yet (emulator/src/main.ts is missing): sign-in and Azure features will not work.");
    } else {
      const emulatorDataDir = path.join(DATA_DIR, "emulator");
      const port = new URL(config.EMULATOR_URL).port || "443";
      startChild("emulator", bin("tsx"), [emulatorMain, "--port", port, "--data-dir", emulatorDataDir], childEnv, PROJECT_ROOT);
      const caFile = path.join(emulatorDataDir, "tls/ca.pem");
      await waitForFile(caFile, 15_000);
      childEnv.NODE_EXTRA_CA_CERTS = caFile;
      process.env.NODE_EXTRA_CA_CERTS = caFile;
      childEnv.IDENTITY_ENDPOINT ??= new URL("/msi/token", config.EMULATOR_URL).toString();
      childEnv.IDENTITY_HEADER ??= "crosskey-emulator-identity-header";
      await waitForHttp(new URL("/_emulator/health", config.EMULATOR_URL).toString(), 15_000);
      say(`emulator ready at ${config.EMULATOR_URL}`);
    }
  }

  const demo = await seedDemo(db.url, config);

  if (await isBuildFresh(PROJECT_ROOT)) say("app build is current; skipping next build");
  else {
    say("building the app (next build)…");
    await runToCompletion("build", bin("next"), ["build"], childEnv, PROJECT_ROOT);
  }
  const port = new URL(config.APP_BASE_URL).port || "3000";
  startChild("app", bin("next"), ["start", "--port", port], { ...childEnv, NODE_ENV: "production" }, PROJECT_ROOT);
  await waitForHttp(new URL("/api/health", config.APP_BASE_URL).toString(), 60_000);

  console.log(
    [
      "",
      "  Crosskey is running.",
      `  Landing page      ${config.APP_BASE_URL}`,
      `  Operator console  ${new URL("/console", config.APP_BASE_URL)}  (sign in as ops-admin@fabrikamcloud.onmicrosoft.com)`,
      `  Health            ${new URL("/api/health", config.APP_BASE_URL)}`,
      ...(config.AZURE_CLOUD === "emulator" ? [`  Local Azure       ${config.EMULATOR_URL}  (accept its certificate once in the browser)`] : []),
      ...demo.lines.map((l) => `  ${l}`),
      "  Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
} catch (error) {
  console.error(`[demo] start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

async function waitForFile(file: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the emulator did not write ${file} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
