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
});
