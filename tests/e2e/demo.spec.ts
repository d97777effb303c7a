import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { expect, test } from "./fixtures";

// The README's first command, as a newcomer runs it: `npm run demo` from an empty data folder seeds, starts
// everything, says it is healthy, prints the invite links, and stops cleanly on Ctrl-C. Its own ports and data
// folder, so it runs beside the suite's stack (and the build is the one the suite made).
const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const APP_URL = `http://localhost:${3190 + offset}`;
const EMULATOR_URL = `https://localhost:${8490 + offset}`;

test("[demo] npm run demo from an empty data folder starts healthy, prints the invite links and stops on Ctrl-C", async () => {
  test.setTimeout(300_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-demo-"));
  fs.chmodSync(dataDir, 0o755);
  const demo = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/demo.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      CROSSKEY_DATA_DIR: dataDir,
      APP_BASE_URL: APP_URL,
      EMULATOR_URL,
      DATABASE_URL: "",
      SESSION_SECRET: "",
      HTTPS_PROXY: "",
      NODE_EXTRA_CA_CERTS: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
  try {
    const running = new Promise<void>((resolve, reject) => {
      for (const stream of [demo.stdout, demo.stderr])
        readline.createInterface({ input: stream }).on("line", (line) => {
          lines.push(line);
          if (line.includes("Ctrl-C stops everything")) resolve();
          if (line.includes("start-up failed")) reject(new Error(line));
        });
      void exited.then((code) =>
        reject(new Error(`the demo exited (${code}):\n${lines.slice(-20).join("\n")}`)),
      );
    });
    await running;
    const printed = lines.join("\n");
    expect(printed).toContain(`Health            ${APP_URL}/api/health  (healthy)`);
    for (const customer of ["Contoso Pharmaceuticals", "Litware", "Adatum Corporation", "Woodgrove Bank"])
      expect(printed).toMatch(new RegExp(`${customer}\\s+${APP_URL}/onboard/[A-Za-z0-9_-]{40,}`));
    const health = await fetch(`${APP_URL}/api/health`);
    expect(await health.json()).toEqual({ status: "healthy" });
    expect(fs.existsSync(path.join(dataDir, "demo-invites.json"))).toBe(true);
  } finally {
    demo.kill("SIGINT");
    const code = await exited;
    expect(code, lines.slice(-20).join("\n")).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  expect(lines.at(-1)).toBe("[demo] stopped.");
});
