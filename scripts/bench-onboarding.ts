/**
 * `npm run bench:onboarding [-- --n 200 --addresses one|many --kill-worker]`: a benchmark, not a test.
 * Starts a throw-away production-shaped stack (two app instances and two supervised workers behind a proxy,
 * one PostgreSQL, the emulator with N customer tenants), creates N invites through the product's code, drives
 * N onboardings at once over HTTP (one cookie jar each; `one`: all from 127.0.0.1 as behind one NAT, `many`:
 * each from its own loopback address), optionally SIGKILLs a worker mid-run (the supervisor starts it again),
 * then checks the database against what each customer saw. Last line:
 *   onboarding-bench n=N verified=V lost=L errors=E p95_step_s=S p95_total_s=T
 * Needs a current build (`npm run build`).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/create-db.ts";
import { stopChildren } from "./lib/children.ts";
import { PROJECT_ROOT } from "./lib/database.ts";
import { startScaleStack } from "./lib/scale-stack.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    addresses: { type: "string", default: "many" },
    "kill-worker": { type: "boolean", default: false },
    "port-base": { type: "string", default: "7400" },
  },
});
const n = Number(values.n);
const addresses = values.addresses === "one" ? "one" : "many";
const portBase = Number(values["port-base"]);
const say = (line: string) => console.log(`[bench] ${line}`);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-bench-"));
fs.chmodSync(dataDir, 0o755);
const stack = await startScaleStack({
  dataDir,
  emulatorDataDir: path.join(PROJECT_ROOT, ".cache/bench-emulator"),
  ports: { proxy: portBase, emulator: portBase + 1, apps: [portBase + 2, portBase + 3] },
  workers: 2,
  tenants: n,
  say,
});

let killed = false;
const db = createDb(stack.databaseUrl, 2);
// Mid-run: once half the customers have consented, the first worker dies hard; the supervisor restarts it.
const killer = values["kill-worker"]
  ? setInterval(() => {
      void db.tenantOnboarding
        .count({ where: { state: { in: ["CONSENTED", "KEY_SUBMITTED", "KEY_VERIFIED"] } } })
        .then((count) => {
          if (killed || count < n / 2) return;
          killed = true;
          say(`${count} customers past consent: SIGKILL to worker1 (pid ${stack.workers[0]!.current().pid})`);
          stack.workers[0]!.current().kill("SIGKILL");
        });
    }, 500)
  : undefined;

// The customers run in a process of their own that trusts the emulator's certificate from its start.
const driver = spawn(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/lib/bench-driver.ts")],
  {
    cwd: PROJECT_ROOT,
    env: {
      ...stack.env,
      NODE_EXTRA_CA_CERTS: stack.caFile,
      BENCH: JSON.stringify({
        n,
        addresses,
        proxyUrl: stack.proxyUrl,
        emulatorUrl: stack.emulatorUrl,
        tenants: stack.tenants,
      }),
    },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
let result = "";
readline.createInterface({ input: driver.stdout! }).on("line", (line) => {
  if (line.startsWith("onboarding-bench ")) result = line;
  else console.log(line);
});
const code = await new Promise<number | null>((resolve) => driver.on("exit", resolve));
clearInterval(killer);
say(
  `requests per instance: ${stack.served.join(" / ")}; worker restarts: ${stack.workers.map((w) => w.restarts()).join(" / ")}`,
);
await db.$disconnect();
await stack.stop();
await stopChildren();
fs.rmSync(dataDir, { recursive: true, force: true });
if (!result) {
  console.error(`[bench] the driver exited with code ${code} before printing a result`);
  process.exit(1);
}
console.log(result);
process.exit(0);
