/**
 * `npm test`: every check in order — lint, typecheck, unit, integration (real PostgreSQL, emulator over HTTPS),
 * emulator, end-to-end (Playwright in Chromium) — stopping at the first failing stage, then one summary line
 * "N passed, N failed, N skipped" counted from the runners' JSON reports.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// Not under test-results/: Playwright empties its output folder when it starts.
const reports = path.join(root, ".cache/test-reports");
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });

const bin = (name: string) => path.join(root, "node_modules/.bin", name);
const vitestJson = (name: string) => [
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${path.join(reports, `${name}.json`)}`,
];
const stages: { name: string; command: string; args: string[]; env?: Record<string, string> }[] = [
  { name: "lint", command: "npm", args: ["run", "--silent", "lint"] },
  { name: "typecheck", command: "npm", args: ["run", "--silent", "typecheck"] },
  { name: "unit", command: bin("vitest"), args: ["run", "--project", "unit", ...vitestJson("unit")] },
  {
    name: "integration",
    command: bin("vitest"),
    args: ["run", "--project", "integration", "--project", "integration-azure", ...vitestJson("integration")],
  },
  {
    name: "emulator",
    command: bin("vitest"),
    args: ["run", "--config", "emulator/vitest.config.ts", ...vitestJson("emulator")],
  },
  { name: "e2e-prepare", command: bin("tsx"), args: ["scripts/prepare-e2e.ts"] },
  {
    name: "e2e",
    command: bin("playwright"),
    args: ["test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, "e2e.json") },
  },
];

const started = Date.now();
let failedStage: string | undefined;
for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const t = Date.now();
  const run = spawnSync(stage.command, stage.args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...stage.env },
  });
  console.log(
    `=== ${stage.name}: ${run.status === 0 ? "ok" : `FAILED (exit ${run.status})`} in ${((Date.now() - t) / 1000).toFixed(1)} s ===`,
  );
  if (run.status !== 0) {
    failedStage = stage.name;
    break;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of fs.readdirSync(reports)) {
  const report = JSON.parse(fs.readFileSync(path.join(reports, file), "utf8")) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
    stats?: { expected: number; unexpected: number; skipped: number; flaky: number };
  };
  if (report.stats) {
    totals.passed += report.stats.expected + report.stats.flaky;
    totals.failed += report.stats.unexpected;
    totals.skipped += report.stats.skipped;
  } else {
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
if (failedStage && totals.failed === 0) totals.failed = 1; // lint or typecheck failed: no test report says so
console.log(
  `\nAll stages ${failedStage ? `stopped at ${failedStage}` : "passed"} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
