import fs from "node:fs";
import path from "node:path";
import { ConfigurationError, parseEnv, type Env } from "../../lib/env.ts";
import { migrateDatabase } from "../../lib/db/migrate.ts";
import { resolveDatabase, DATA_DIR, PROJECT_ROOT, type ResolvedDatabase } from "./database.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { localSecret } from "./local-secrets.ts";
import { isBuildFresh } from "./next-build.ts";
import { runToCompletion, startChild, startSupervised, stopChildren, waitForHttp } from "./children.ts";
import { EMULATOR_MAIN, startEmulatorProcess } from "./emulator-process.ts";
import { startMailSink } from "./mail-sink.ts";

export interface StackOptions {
  /** `demo`: persistent data in .data; `e2e`: throw-away data in `dataDir`, fixed test ports. */
  mode: "demo" | "e2e";
  dataDir: string;
  /** Where the emulator keeps its certificate and signing key; defaults to `{dataDir}/emulator`. */
  emulatorDataDir?: string;
  say: (line: string) => void;
}

export interface RunningStack {
  config: Env;
  databaseUrl: string;
  emulatorStarted: boolean;
  caFile?: string;
  stop(): Promise<void>;
}

const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules/.bin", name);

/** Validates configuration first, so bad settings stop start-up before anything is launched. */
export async function loadStackConfig(
  mode: StackOptions["mode"],
): Promise<{ config: Env; sessionSecret: string }> {
  if (mode === "demo" && fs.existsSync(path.join(PROJECT_ROOT, ".env")))
    process.loadEnvFile(path.join(PROJECT_ROOT, ".env"));
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const sessionSecret = process.env.SESSION_SECRET || (await localSecret(DATA_DIR, "session"));
  try {
    // DATABASE_URL may be absent here: the embedded database provides it later.
    const config = parseEnv({
      ...process.env,
      SESSION_SECRET: sessionSecret,
      DATABASE_URL: process.env.DATABASE_URL || "postgresql://embedded/crosskey",
    });
    return { config, sessionSecret };
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new Error(`configuration could not be read: ${String(error)}`);
  }
}

/** Database, migrations, emulator (for the emulator profile), then the caller seeds and starts the app. */
export async function startBackends(options: StackOptions, config: Env, sessionSecret: string) {
  const { say } = options;
  let database: ResolvedDatabase;
  if (options.mode === "e2e") {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(options.dataDir, "postgres"),
      ephemeral: true,
    });
    database = { url: pg.url, migrationUrl: pg.ownerUrl, embedded: true, stop: pg.stop };
  } else {
    database = await resolveDatabase({ log: say });
  }
  // As the owner; the app, the worker and the seeding below connect as the app's role (docs/database.md, "Roles").
  const migrated = await migrateDatabase(database.migrationUrl);
  say(
    `database ready (${migrated.applied.length} new migration(s), ${migrated.alreadyApplied.length} already applied)`,
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    SESSION_SECRET: sessionSecret,
    // The app and worker run as production builds; production refuses the emulator unless this is said out
    // loud, and wants to know how many proxies stand in front (none here: browsers reach the app directly).
    ...(config.AZURE_CLOUD === "emulator" && { AZURE_CLOUD: "emulator", ALLOW_EMULATOR: "true" }),
    TRUSTED_PROXY_HOPS: process.env.TRUSTED_PROXY_HOPS || (process.env.CLIENT_IP_HEADER ? undefined : "0"),
  };
  let caFile: string | undefined;
  if (config.AZURE_CLOUD === "emulator") {
    if (!fs.existsSync(EMULATOR_MAIN)) {
      say(
        "The local Azure emulator is not in this checkout yet (emulator/src/main.ts is missing): sign-in and Azure features will not work.",
      );
    } else {
      let proxyEnv: Record<string, string>;
      ({ caFile, proxyEnv } = await startEmulatorProcess({
        url: config.EMULATOR_URL,
        appBaseUrl: config.APP_BASE_URL,
        dataDir: options.emulatorDataDir ?? path.join(options.dataDir, "emulator"),
        env,
        host: config.DEMO_LISTEN_HOST,
      }));
      env.NODE_EXTRA_CA_CERTS = caFile;
      // Key Vault's real hosts (https://{vault}.vault.azure.net) through the emulator's proxy mode.
      Object.assign(env, proxyEnv);
      env.IDENTITY_ENDPOINT ??= new URL("/msi/token", config.EMULATOR_URL).toString();
      env.IDENTITY_HEADER ??= "crosskey-emulator-identity-header";
      say(`emulator ready at ${config.EMULATOR_URL}`);
    }
  }
  // Email goes to a local sink unless a real mail server is configured.
  let mailSink: Awaited<ReturnType<typeof startMailSink>> | undefined;
  if (!config.SMTP_URL) {
    const offset = options.mode === "e2e" ? 1 + Number(process.env.TEST_PORT_OFFSET ?? 0) : 0;
    mailSink = await startMailSink({
      smtpPort: 2525 + offset,
      httpPort: 8025 + offset,
      host: config.DEMO_LISTEN_HOST,
    });
    env.SMTP_URL = mailSink.smtpUrl;
    say(`mail sink ready: ${mailSink.pageUrl} shows every email sent`);
  }
  return { database, env, caFile, mailSink };
}

/** The background worker, as its own process (as in production). */
export function startWorker(env: NodeJS.ProcessEnv, name = "worker") {
  // `node --import tsx` rather than the tsx CLI: one process, so signals and the pid are the worker's own.
  return startChild(
    name,
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/worker.ts")],
    env,
    PROJECT_ROOT,
  );
}

/** A worker that is started again whenever it dies, as a process manager would in production. */
export function startSupervisedWorker(env: NodeJS.ProcessEnv, say: (line: string) => void, name = "worker") {
  return startSupervised(name, () => startWorker(env, name), say);
}

export async function startApp(config: Env, env: NodeJS.ProcessEnv, say: (l: string) => void) {
  if (await isBuildFresh(PROJECT_ROOT)) say("app build is current; skipping next build");
  else {
    say("building the app (next build)…");
    await runToCompletion("build", bin("next"), ["build"], { ...env, NODE_ENV: "production" }, PROJECT_ROOT);
  }
  const port = new URL(config.APP_BASE_URL).port || "3000";
  // This machine only, unless DEMO_LISTEN_HOST opens it (`next start` alone listens on every interface).
  startChild(
    "app",
    bin("next"),
    ["start", "--port", port, "--hostname", config.DEMO_LISTEN_HOST],
    { ...env, NODE_ENV: "production" },
    PROJECT_ROOT,
  );
  await waitForHttp(new URL("/", config.APP_BASE_URL).toString(), 60_000);
}

export async function stopStack(database: ResolvedDatabase | undefined) {
  await stopChildren();
  await database?.stop();
}
