/**
 * `npm run test:mutation [-- --survivors] [--report-only]`: Stryker (Vitest runner, unit tier) over the core logic listed in
 * stryker.config.json, then per-file scores and, last, `mutation score=S mutants=M survived=V files=F`.
 * Reports (JSON, HTML, this summary) land in .cache/mutation/. Exits non-zero when Stryker fails or the goal
 * (overall ≥ 85 %, no file below 80 %) is missed. Slow (minutes): not part of `npm test`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { missedGoals, mutationLine, scoreFiles, type MutationReport } from "./lib/mutation-summary";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, ".cache/mutation");
const reportFile = path.join(out, "mutation.json");
// --report-only: summarise the last run's saved report again, without mutating anything.
if (!process.argv.includes("--report-only")) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  console.log(`node ${process.version}`);
  const run = spawnSync(path.join(root, "node_modules/.bin/stryker"), ["run", "stryker.config.json"], {
    cwd: root,
    stdio: "inherit",
  });
  if (run.status !== 0) {
    console.error(`stryker exited ${run.status ?? run.signal}`);
    process.exit(1);
  }
}
if (!fs.existsSync(reportFile)) {
  console.error(`no report at ${reportFile}`);
  process.exit(1);
}

const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as MutationReport;
const scores = scoreFiles(report);
const lines = scores.files.map(
  (f) =>
    `${f.score.toFixed(1).padStart(6)} %  ${String(f.mutants).padStart(4)} mutants  ${String(f.survived).padStart(3)} survived  ${String(f.timedOut).padStart(3)} timed out  ${f.file}`,
);
if (process.argv.includes("--survivors")) {
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
      lines.push(
        `  ${m.status} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} → ${(m.replacement ?? "").replace(/\s+/g, " ").slice(0, 80)}`,
      );
    }
  }
}
const missed = missedGoals(scores);
lines.push(...missed.map((m) => `goal missed: ${m}`));
lines.push(mutationLine(scores.overall, scores.files.length));
fs.writeFileSync(path.join(out, "summary.txt"), `${lines.join("\n")}\n`);
console.log(`\n${lines.join("\n")}`);
process.exit(missed.length === 0 ? 0 : 1);
