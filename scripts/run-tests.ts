/**
 * `npm test`: every check in order — lint, typecheck, unit, integration (real PostgreSQL, emulator over HTTPS),
 * emulator, end-to-end (Playwright in Chromium) — stopping at the first failing stage, then one summary line
 * "N passed, N failed, N skipped" counted from the runners' JSON reports. A test stage passes only when its
 * report exists, agrees with the runner's exit code, shows at least the tier's known minimum of executed tests
 * and no unexpected skip (scripts/lib/test-reports.ts); raise a minimum when you add tests to its tier.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { judgeStage, readStageCounts, type StageExpectation } from "./lib/test-reports";

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
interface Stage {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Test stages: where the runner writes its JSON report, and what that report must show. */
  report?: { file: string } & StageExpectation;
}
const reportFile = (name: string) => path.join(reports, `${name}.json`);
const stages: Stage[] = [
  { name: "lint", command: "npm", args: ["run", "--silent", "lint"] },
  { name: "typecheck", command: "npm", args: ["run", "--silent", "typecheck"] },
  {
    name: "unit",
    command: bin("vitest"),
    args: ["run", "--project", "unit", ...vitestJson("unit")],
    report: { file: reportFile("unit"), minimum: 374, allowedSkips: 0 },
  },
  {
    name: "integration",
    command: bin("vitest"),
    args: ["run", "--project", "integration", "--project", "integration-azure", ...vitestJson("integration")],
    report: { file: reportFile("integration"), minimum: 92, allowedSkips: 0 },
  },
  {
    name: "emulator",
    command: bin("vitest"),
    args: ["run", "--config", "emulator/vitest.config.ts", ...vitestJson("emulator")],
    report: { file: reportFile("emulator"), minimum: 110, allowedSkips: 0 },
  },
  { name: "e2e-prepare", command: bin("tsx"), args: ["scripts/prepare-e2e.ts"] },
  {
    name: "e2e",
    command: bin("playwright"),
    args: ["test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile("e2e") },
    report: { file: reportFile("e2e"), minimum: 14, allowedSkips: 0 },
  },
];

const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedStage: string | undefined;
for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const t = Date.now();
  const run = spawnSync(stage.command, stage.args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...stage.env },
  });
  let problems = run.status === 0 ? [] : [`exit ${run.status ?? run.signal}`];
  if (stage.report) {
    const verdict = judgeStage(readStageCounts(stage.report.file), run.status, stage.report);
    totals.passed += verdict.counts.passed;
    totals.failed += verdict.counts.failed + verdict.counts.brokenFiles;
    totals.skipped += verdict.counts.skipped;
    problems = verdict.problems;
  }
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  console.log(
    `=== ${stage.name}: ${problems.length === 0 ? "ok" : `FAILED (${problems.join("; ")})`} in ${seconds} s ===`,
  );
  if (problems.length > 0) {
    failedStage = stage.name;
    break;
  }
}

// Lint, typecheck or a stage whose report does not say why it failed: count the stage itself as the failure.
if (failedStage && totals.failed === 0) totals.failed = 1;
console.log(
  `\nAll stages ${failedStage ? `stopped at ${failedStage}` : "passed"} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
