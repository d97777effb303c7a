import { describe, expect, it } from "vitest";
import { JobState } from "../../../lib/generated/prisma/enums";
import { canMoveJob, FINISHED_JOB_STATES } from "../../../lib/jobs/job-state";

const ALL = Object.values(JobState);

/** Every state reachable from where jobs start, following the table. */
function reachable(from: JobState[]): Set<JobState> {
  const seen = new Set(from);
  for (let grew = true; grew;) {
    grew = false;
    for (const a of [...seen])
      for (const b of ALL)
        if (!seen.has(b) && canMoveJob(a, b)) {
          seen.add(b);
          grew = true;
        }
  }
  return seen;
}

describe("[jobs] the job state machine", () => {
  it("a finished job never moves again", () => {
    for (const done of FINISHED_JOB_STATES) for (const to of ALL) expect(canMoveJob(done, to)).toBe(false);
  });

  it("every state is reachable from where jobs start, and every state can finish", () => {
    expect(reachable(["QUEUED", "AWAITING_APPROVAL"])).toEqual(new Set(ALL));
    for (const state of ALL) {
      const ends = [...reachable([state])].filter((s) => FINISHED_JOB_STATES.includes(s));
      expect(ends.length, state).toBeGreaterThan(0);
    }
  });

  it("nothing is written before approval, and a cancel lets Azure's running operation finish", () => {
    expect(canMoveJob("AWAITING_APPROVAL", "RUNNING")).toBe(false);
    expect(canMoveJob("AWAITING_APPROVAL", "QUEUED")).toBe(true);
    expect(canMoveJob("WAITING_ON_AZURE", "CANCELLED")).toBe(false);
    expect(canMoveJob("WAITING_ON_AZURE", "CANCELLING")).toBe(true);
    expect(canMoveJob("CANCELLING", "RUNNING")).toBe(false);
    expect(canMoveJob("PAUSED", "RUNNING")).toBe(false);
    expect(canMoveJob("PAUSED", "QUEUED")).toBe(true);
  });

  it("the whole table, move by move: what a job may become from each state (docs/jobs.md)", () => {
    const table = Object.fromEntries(ALL.map((from) => [from, ALL.filter((to) => canMoveJob(from, to))]));
    expect(table).toEqual({
      AWAITING_APPROVAL: ["QUEUED", "CANCELLED"],
      QUEUED: ["RUNNING", "PAUSED", "CANCELLED", "FAILED"].sort(byEnum),
      RUNNING: ["RUNNING", "WAITING_ON_AZURE", "QUEUED", "PAUSED", "CANCELLING", "SUCCEEDED", "FAILED"].sort(
        byEnum,
      ),
      WAITING_ON_AZURE: ["RUNNING", "QUEUED", "CANCELLING", "FAILED"].sort(byEnum),
      PAUSED: ["QUEUED", "CANCELLED"].sort(byEnum),
      CANCELLING: ["CANCELLED", "FAILED"].sort(byEnum),
      SUCCEEDED: [],
      FAILED: [],
      CANCELLED: [],
    });
    expect([...FINISHED_JOB_STATES].sort(byEnum)).toEqual(["SUCCEEDED", "FAILED", "CANCELLED"].sort(byEnum));
  });
});

/** Orders states as the enum does, so the table compares independently of how it is written. */
function byEnum(a: string, b: string): number {
  return ALL.indexOf(a as JobState) - ALL.indexOf(b as JobState);
}
