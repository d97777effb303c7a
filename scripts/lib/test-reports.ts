/**
 * Reads a test stage's JSON report (Vitest or Playwright) and judges it against the stage's exit code and
 * its known minimum, so `npm test` cannot pass on nothing: a tier whose tests were all skipped, filtered
 * away or never written to a report fails just like a tier with a failing test.
 */
import fs from "node:fs";

export interface StageCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Test files (Vitest) that failed before any test ran, e.g. on an import error. */
  brokenFiles: number;
}

export interface StageExpectation {
  /** Tests the tier runs today; fewer executed means tests were lost (deleted, filtered, skipped). */
  minimum: number;
  /** Skips the tier is known to have; anything above is unexpected. */
  allowedSkips: number;
}

export interface StageVerdict {
  counts: StageCounts;
  problems: string[];
}

interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numFailedTestSuites?: number;
  numTotalTestSuites?: number;
  testResults?: { status?: string; assertionResults?: { status?: string }[] }[];
  success?: boolean;
}
interface PlaywrightReport {
  stats?: { expected: number; unexpected: number; skipped: number; flaky: number };
  errors?: unknown[];
}

/** Counts from either runner's JSON report; null when the file is missing or is not a report. */
export function readStageCounts(file: string): StageCounts | null {
  if (!fs.existsSync(file)) return null;
  let report: VitestReport & PlaywrightReport;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8")) as VitestReport & PlaywrightReport;
  } catch {
    return null;
  }
  if (report.stats) {
    return {
      passed: report.stats.expected + report.stats.flaky,
      failed: report.stats.unexpected,
      skipped: report.stats.skipped,
      brokenFiles: report.errors?.length ?? 0,
    };
  }
  if (typeof report.numPassedTests !== "number") return null;
  // A file that throws at import, or whose beforeAll hook fails (its tests then count as skipped), fails
  // without any failed test: Vitest does not count it in numFailedTests.
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === "failed" && !(r.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    brokenFiles,
  };
}

/** Everything wrong with a finished test stage; an empty list is the only passing verdict. */
export function judgeStage(
  counts: StageCounts | null,
  exitCode: number | null,
  expected: StageExpectation,
): StageVerdict {
  if (!counts) {
    return {
      counts: { passed: 0, failed: 0, skipped: 0, brokenFiles: 0 },
      problems: [`no readable test report (runner exit ${exitCode})`],
    };
  }
  const problems: string[] = [];
  const clean = counts.failed === 0 && counts.brokenFiles === 0;
  if (exitCode === 0 && !clean) {
    problems.push(
      `exit code 0 disagrees with the report (${counts.failed} failed, ${counts.brokenFiles} broken files)`,
    );
  }
  if (exitCode !== 0 && clean) {
    problems.push(`exit code ${exitCode} although the report shows no failing test`);
  }
  if (counts.failed > 0) problems.push(`${counts.failed} failed`);
  if (counts.brokenFiles > 0) problems.push(`${counts.brokenFiles} test files failed to run`);
  const executed = counts.passed + counts.failed;
  if (executed < expected.minimum) {
    problems.push(`only ${executed} tests executed; this tier is known to run at least ${expected.minimum}`);
  }
  if (counts.skipped > expected.allowedSkips) {
    problems.push(`${counts.skipped} skipped (${expected.allowedSkips} expected)`);
  }
  return { counts, problems };
}
