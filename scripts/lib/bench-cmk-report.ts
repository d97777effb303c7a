/**
 * The benchmark's options and its closing line, apart from the run itself so both are unit-tested: the line
 * must say how many resources really ended applied, and the exit code must fail a run that fell short.
 */
import { parseArgs } from "node:util";

/** Numeric options: name → default. Add an option here and it is parsed, validated and documented. */
const NUMERIC = {
  resources: 1000,
  rate: 10,
  concurrency: 48,
  workers: 1,
  port: 8447,
} as const;
/** What the run encrypts: storage accounts, or databases of one SQL server (database-level TDE, one key each apply). */
export const BENCH_KINDS = ["storage-account", "sql-database"] as const;
export type BenchKind = (typeof BENCH_KINDS)[number];
export type BenchOptions = { -readonly [K in keyof typeof NUMERIC]: number } & { kind: BenchKind };

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      [...Object.keys(NUMERIC), "kind"].map((name) => [name, { type: "string" as const }]),
    ),
  });
  const kind = values.kind ?? "storage-account";
  if (typeof kind !== "string" || !(BENCH_KINDS as readonly string[]).includes(kind))
    throw new Error(`--kind must be one of ${BENCH_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  const options = { ...NUMERIC, kind } as BenchOptions;
  for (const name of Object.keys(NUMERIC) as (keyof typeof NUMERIC)[]) {
    const raw = values[name];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (typeof raw !== "string" || !Number.isFinite(value) || value <= 0) {
      throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
    }
    options[name] = value;
  }
  return options;
}

/** The emulator's ARM write bucket as it reports it: starts full at `burst`, refills at `rate` per second. */
export interface WriteBucket {
  rate: number;
  burst: number;
}

/** The least wall time N writes can take through that bucket: the burst goes at once, the rest at the rate. */
export function floorSeconds(n: number, bucket: WriteBucket): number {
  return Math.max(0, n - bucket.burst) / bucket.rate;
}

export interface BenchOutcome {
  resources: number;
  bucket: WriteBucket;
  wallSeconds: number;
  applied: number;
  failed: number;
  throttled: { writes: number; reads: number };
  /** Appended to the line when the run was not the default storage accounts. */
  kind?: BenchKind;
}

/** The last line (existing fields first, new ones appended) and the exit code: 1 unless every resource applied. */
export function benchSummary(o: BenchOutcome): { line: string; exitCode: number } {
  const min = floorSeconds(o.resources, o.bucket);
  // With the whole run inside the burst the floor is 0 s; the ratio then has no meaning and says so.
  const ratio = min > 0 ? (o.wallSeconds / min).toFixed(3) : "n/a";
  const line =
    `cmk-bench resources=${o.resources} rate=${o.bucket.rate} wall_s=${o.wallSeconds.toFixed(1)}` +
    ` min_s=${min.toFixed(1)} ratio=${ratio} throttled=${o.throttled.writes}` +
    ` applied=${o.applied} failed=${o.failed} read_throttled=${o.throttled.reads} burst=${o.bucket.burst}` +
    (o.kind && o.kind !== "storage-account" ? ` kind=${o.kind}` : "");
  return { line, exitCode: o.applied < o.resources ? 1 : 0 };
}
