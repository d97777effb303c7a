/**
 * The stack Playwright tests run against: a throw-away database, the emulator and the built app on test
 * ports. Started by playwright.config.ts (webServer); writes what tests need to reach it to .cache/e2e-stack.json.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "./lib/database.ts";
import { loadStackConfig, startApp, startBackends, startWorker, stopStack } from "./lib/stack.ts";

export const E2E_STACK_FILE = path.join(PROJECT_ROOT, ".cache/e2e-stack.json");
// Kept across runs so the test workers can trust the emulator's CA (playwright.config.ts points NODE_EXTRA_CA_CERTS here).
export const E2E_EMULATOR_DIR = path.join(PROJECT_ROOT, ".cache/e2e-emulator");
const say = (line: string) => console.log(`[e2e-stack] ${line}`);

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-e2e-"));
await fs.chmod(dataDir, 0o755);
const { config, sessionSecret } = await loadStackConfig("e2e");
const backends = await startBackends(
  { mode: "e2e", dataDir, emulatorDataDir: E2E_EMULATOR_DIR, say },
  config,
  sessionSecret,
);

async function shutdown() {
  await stopStack(backends.database);
  await fs.rm(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

await fs.mkdir(path.dirname(E2E_STACK_FILE), { recursive: true });
await fs.writeFile(
  E2E_STACK_FILE,
  JSON.stringify({
    databaseUrl: backends.database.url,
    ownerDatabaseUrl: backends.database.migrationUrl,
    emulatorUrl: config.EMULATOR_URL,
    appUrl: config.APP_BASE_URL,
    caFile: backends.caFile,
    mailSinkUrl: backends.mailSink?.pageUrl,
  }),
);
startWorker(backends.env);
await startApp(config, backends.env, say);
say(`app ready at ${config.APP_BASE_URL}`);
