import { describe, expect, it } from "vitest";
import {
  missedGoals,
  mutationLine,
  scoreFiles,
  type MutationReport,
} from "../../scripts/lib/mutation-summary";

const mutant = (status: MutationReport["files"][string]["mutants"][number]["status"]) => ({
  status,
  mutatorName: "StringLiteral",
  location: { start: { line: 1, column: 1 } },
});

describe("[mutation] scores from Stryker's report", () => {
  it("killed and timed-out mutants are detected; survived and uncovered ones are not; the rest do not count", () => {
    const report: MutationReport = {
      files: {
        "lib/b.ts": {
          mutants: [mutant("Killed"), mutant("Survived"), mutant("NoCoverage"), mutant("Timeout")],
        },
        "lib/a.ts": {
          mutants: [
            mutant("Killed"),
            mutant("Killed"),
            mutant("CompileError"),
            mutant("Ignored"),
            mutant("RuntimeError"),
          ],
        },
      },
    };
    const scores = scoreFiles(report);
    expect(scores.files).toEqual([
      { file: "lib/a.ts", mutants: 2, survived: 0, timedOut: 0, score: 100 },
      { file: "lib/b.ts", mutants: 4, survived: 2, timedOut: 1, score: 50 },
    ]);
    expect(scores.overall).toMatchObject({ mutants: 6, survived: 2, timedOut: 1 });
    expect(mutationLine(scores.overall, scores.files.length)).toBe(
      "mutation score=66.7 mutants=6 survived=2 files=2",
    );
    expect(missedGoals(scores)).toEqual(["overall 66.7 < 85", "lib/b.ts 50.0 < 80"]);
  });

  it("meets the goal at exactly 85 overall and 80 per file; a file without mutants scores 100", () => {
    const file = (killed: number, survived: number) => ({
      mutants: [...Array(killed).fill(mutant("Killed")), ...Array(survived).fill(mutant("Survived"))],
    });
    const scores = scoreFiles({ files: { "a.ts": file(9, 1), "b.ts": file(8, 2), "c.ts": file(0, 0) } });
    expect(scores.files.map((f) => f.score)).toEqual([90, 80, 100]);
    expect(scores.overall.score).toBe(85);
    expect(missedGoals(scores)).toEqual([]);
  });
});
