/**
 * Scores from Stryker's JSON report (mutation-testing-report-schema): per file and overall, the share of
 * mutants the tests detect. A mutant no test covers counts as survived: nothing would notice that change.
 */

type MutantStatus =
  "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

export interface MutationReport {
  files: Record<
    string,
    {
      mutants: {
        status: MutantStatus;
        mutatorName: string;
        replacement?: string;
        location: { start: { line: number; column: number } };
      }[];
    }
  >;
}

export interface FileScore {
  file: string;
  mutants: number;
  survived: number;
  /** Counted as detected, as Stryker does; on a starved machine a slow run can also time out. */
  timedOut: number;
  score: number;
}

const DETECTED = new Set<MutantStatus>(["Killed", "Timeout"]);
const UNDETECTED = new Set<MutantStatus>(["Survived", "NoCoverage"]);

const percent = (detected: number, total: number) => (total === 0 ? 100 : (100 * detected) / total);

export function scoreFiles(report: MutationReport): { files: FileScore[]; overall: FileScore } {
  const files = Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
      const survived = mutants.filter((m) => UNDETECTED.has(m.status)).length;
      const timedOut = mutants.filter((m) => m.status === "Timeout").length;
      return {
        file,
        mutants: detected + survived,
        survived,
        timedOut,
        score: percent(detected, detected + survived),
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  const mutants = files.reduce((n, f) => n + f.mutants, 0);
  const survived = files.reduce((n, f) => n + f.survived, 0);
  const timedOut = files.reduce((n, f) => n + f.timedOut, 0);
  return {
    files,
    overall: { file: "all", mutants, survived, timedOut, score: percent(mutants - survived, mutants) },
  };
}

/** The closing line `npm run test:mutation` prints last. */
export function mutationLine(overall: FileScore, fileCount: number): string {
  return `mutation score=${overall.score.toFixed(1)} mutants=${overall.mutants} survived=${overall.survived} files=${fileCount}`;
}

/** Where the goal (overall ≥ 85, every file ≥ 80) is missed; empty when met. */
export function missedGoals(scores: { files: FileScore[]; overall: FileScore }): string[] {
  const missed = scores.files
    .filter((f) => f.mutants > 0 && f.score < 80)
    .map((f) => `${f.file} ${f.score.toFixed(1)} < 80`);
  if (scores.overall.score < 85) missed.unshift(`overall ${scores.overall.score.toFixed(1)} < 85`);
  return missed;
}
