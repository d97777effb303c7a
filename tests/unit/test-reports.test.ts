import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { judgeStage, readStageCounts, type StageCounts } from "../../scripts/lib/test-reports";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-reports-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, body: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
  return file;
};
const counts = (c: Partial<StageCounts>): StageCounts => ({
  passed: 0,
  failed: 0,
  skipped: 0,
  brokenFiles: 0,
  ...c,
});
const expectation = { minimum: 10, allowedSkips: 0 };

describe("[runner] test stage reports", () => {
  it("reads Vitest's counts, skips and todos included, and files that failed without a failed test", () => {
    const file = write("vitest.json", {
      numPassedTests: 7,
      numFailedTests: 1,
      numPendingTests: 2,
      numTodoTests: 1,
      success: false,
      testResults: [
        { status: "passed", assertionResults: [{ status: "passed" }] },
        // Failed at import: no tests at all.
        { status: "failed", assertionResults: [] },
        // A beforeAll hook timed out: its tests are reported skipped.
        { status: "failed", assertionResults: [{ status: "skipped" }, { status: "skipped" }] },
        { status: "failed", assertionResults: [{ status: "passed" }, { status: "failed" }] },
      ],
    });
    expect(readStageCounts(file)).toEqual({ passed: 7, failed: 1, skipped: 3, brokenFiles: 2 });
  });

  it("reads Playwright's stats, flaky tests counted as passed", () => {
    const file = write("pw.json", {
      stats: { expected: 5, unexpected: 2, skipped: 1, flaky: 1 },
      errors: [],
    });
    expect(readStageCounts(file)).toEqual({ passed: 6, failed: 2, skipped: 1, brokenFiles: 0 });
  });

  it("a missing, unreadable or foreign report has no counts", () => {
    expect(readStageCounts(path.join(dir, "absent.json"))).toBeNull();
    expect(readStageCounts(write("truncated.json", '{"numPassedTests": 3'))).toBeNull();
    expect(readStageCounts(write("other.json", { hello: "world" }))).toBeNull();
  });

  it("passes only a clean report with at least the minimum executed and exit code 0", () => {
    expect(judgeStage(counts({ passed: 10 }), 0, expectation).problems).toEqual([]);
    expect(judgeStage(counts({ passed: 12 }), 0, expectation).problems).toEqual([]);
  });

  it("a tier that ran nothing, or everything skipped, fails", () => {
    expect(judgeStage(counts({}), 0, expectation).problems).toEqual([
      "only 0 tests executed; this tier is known to run at least 10",
    ]);
    expect(judgeStage(counts({ skipped: 10 }), 0, expectation).problems).toEqual([
      "only 0 tests executed; this tier is known to run at least 10",
      "10 skipped (0 expected)",
    ]);
    expect(judgeStage(counts({ passed: 9 }), 0, expectation).problems).toHaveLength(1);
  });

  it("an unexpected skip fails even when enough tests ran; known skips do not", () => {
    expect(judgeStage(counts({ passed: 10, skipped: 1 }), 0, expectation).problems).toEqual([
      "1 skipped (0 expected)",
    ]);
    expect(
      judgeStage(counts({ passed: 10, skipped: 1 }), 0, { minimum: 10, allowedSkips: 1 }).problems,
    ).toEqual([]);
  });

  it("a missing report fails whatever the exit code", () => {
    expect(judgeStage(null, 0, expectation).problems).toEqual(["no readable test report (runner exit 0)"]);
  });

  it("a report and an exit code that disagree fail, in both directions", () => {
    expect(judgeStage(counts({ passed: 10, failed: 1 }), 0, expectation).problems).toEqual([
      "exit code 0 disagrees with the report (1 failed, 0 broken files)",
      "1 failed",
    ]);
    expect(judgeStage(counts({ passed: 10, brokenFiles: 1 }), 0, expectation).problems).toContain(
      "1 test files failed to run",
    );
    expect(judgeStage(counts({ passed: 10 }), 1, expectation).problems).toEqual([
      "exit code 1 although the report shows no failing test",
    ]);
    expect(judgeStage(counts({ passed: 10, failed: 1 }), 1, expectation).problems).toEqual(["1 failed"]);
  });
});
