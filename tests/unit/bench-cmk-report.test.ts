import { describe, expect, it } from "vitest";
import { benchSummary, floorSeconds, parseBenchOptions } from "../../scripts/lib/bench-cmk-report";

const outcome = {
  resources: 1000,
  bucket: { rate: 10, burst: 10 },
  wallSeconds: 105.04,
  applied: 1000,
  failed: 0,
  throttled: { writes: 0, reads: 0 },
};

describe("[bench] cmk benchmark options and closing line", () => {
  it("parses the numeric options with their defaults, and refuses what is not a positive number", () => {
    expect(parseBenchOptions([])).toEqual({
      resources: 1000,
      rate: 10,
      concurrency: 48,
      workers: 1,
      port: 8447 + Number(process.env.TEST_PORT_OFFSET ?? 0),
      kind: "storage-account",
      op: "apply",
      killWorker: false,
      trace: false,
    });
    expect(parseBenchOptions(["--kind", "sql-database"]).kind).toBe("sql-database");
    expect(() => parseBenchOptions(["--kind", "cosmos"])).toThrow(
      /--kind must be one of storage-account, sql-database, disk-encryption-set/,
    );
    expect(parseBenchOptions(["--op", "rotate", "--workers", "2", "--kill-worker", "--trace"])).toMatchObject(
      {
        op: "rotate",
        kind: "disk-encryption-set",
        workers: 2,
        killWorker: true,
        trace: true,
      },
    );
    expect(() => parseBenchOptions(["--op", "spin"])).toThrow(/--op must be one of apply, rotate/);
    expect(() => parseBenchOptions(["--op", "rotate", "--kind", "storage-account"])).toThrow(
      /--op rotate runs over disk encryption sets/,
    );
    expect(parseBenchOptions(["--resources", "50", "--rate=2.5", "--workers", "2"])).toMatchObject({
      resources: 50,
      rate: 2.5,
      workers: 2,
      concurrency: 48,
    });
    expect(() => parseBenchOptions(["--resources", "many"])).toThrow(/--resources must be a positive number/);
    expect(() => parseBenchOptions(["--rate", "0"])).toThrow(/--rate must be a positive number/);
    expect(() => parseBenchOptions(["--resource", "5"])).toThrow(/Unknown option/);
  });

  it("the floor comes from the bucket: the burst goes at once, the rest at the refill rate", () => {
    expect(floorSeconds(1000, { rate: 10, burst: 10 })).toBe(99);
    expect(floorSeconds(1000, { rate: 10, burst: 200 })).toBe(80);
    expect(floorSeconds(100, { rate: 10, burst: 200 })).toBe(0);
  });

  it("keeps the existing fields first and appends applied, failed and read throttles", () => {
    const { line, exitCode } = benchSummary({ ...outcome, throttled: { writes: 3, reads: 7 } });
    expect(line).toBe(
      "cmk-bench resources=1000 rate=10 wall_s=105.0 min_s=99.0 ratio=1.061 throttled=3 applied=1000 failed=0 read_throttled=7 burst=10",
    );
    expect(exitCode).toBe(0);
  });

  it("a run where any resource did not end applied exits non-zero, failed jobs included", () => {
    const failed = benchSummary({ ...outcome, applied: 998, failed: 2 });
    expect(failed.exitCode).toBe(1);
    expect(failed.line).toContain(" applied=998 failed=2 ");
    expect(benchSummary({ ...outcome, applied: 999, failed: 0 }).exitCode).toBe(1);
  });

  it("a run over SQL databases says so at the end of the line; storage accounts keep the old line", () => {
    expect(benchSummary({ ...outcome, kind: "sql-database" }).line).toMatch(/ burst=10 kind=sql-database$/);
    expect(benchSummary({ ...outcome, kind: "storage-account" }).line).toMatch(/ burst=10$/);
    expect(benchSummary({ ...outcome, kind: "disk-encryption-set", op: "rotate" }).line).toMatch(
      / burst=10 kind=disk-encryption-set op=rotate$/,
    );
  });

  it("a run inside the burst has no meaningful ratio and says so", () => {
    expect(
      benchSummary({ ...outcome, resources: 5, applied: 5, bucket: { rate: 10, burst: 10 } }).line,
    ).toContain("min_s=0.0 ratio=n/a");
  });
});
