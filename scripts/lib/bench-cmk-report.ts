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
  // The emulator's port; TEST_PORT_OFFSET moves it, as it moves the test suites' ports.
  port: 8447 + Number(process.env.TEST_PORT_OFFSET ?? 0),
};
/**
 * What the run encrypts: storage accounts, databases of one SQL server (database-level TDE, one key each apply),
 * or disk encryption sets (which pin a key version, so `--op rotate` has a version to move them to).
 */
export const BENCH_KINDS = ["storage-account", "sql-database", "disk-encryption-set"] as const;
export type BenchKind = (typeof BENCH_KINDS)[number];
/** `apply` a key to N resources (the default), or `rotate` N already-applied disk encryption sets as one fleet run. */
export const BENCH_OPS = ["apply", "rotate"] as const;
export type BenchOp = (typeof BENCH_OPS)[number];
export type BenchOptions = { [K in keyof typeof NUMERIC]: number } & {
  kind: BenchKind;
  op: BenchOp;
  /** SIGKILL one worker a third of the way through the timed phase (with two or more workers). */
  killWorker: boolean;
  /** Print the emulator's request log (every ARM request with its time) with the bench's output. */
  trace: boolean;
};

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.keys(NUMERIC).map((name) => [name, { type: "string" as const }])),
      kind: { type: "string" as const },
      op: { type: "string" as const },
      "kill-worker": { type: "boolean" as const },
      trace: { type: "boolean" as const },
    },
  });
  const op = values.op ?? "apply";
  if (typeof op !== "string" || !(BENCH_OPS as readonly string[]).includes(op))
    throw new Error(`--op must be one of ${BENCH_OPS.join(", ")}, got ${JSON.stringify(op)}`);
  // A rotation needs resources pinned to a version: disk encryption sets unless told otherwise.
  const kind = values.kind ?? (op === "rotate" ? "disk-encryption-set" : "storage-account");
  if (typeof kind !== "string" || !(BENCH_KINDS as readonly string[]).includes(kind))
    throw new Error(`--kind must be one of ${BENCH_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  if (op === "rotate" && kind !== "disk-encryption-set")
    throw new Error(`--op rotate runs over disk encryption sets (--kind disk-encryption-set), not ${kind}`);
  const options = {
    ...NUMERIC,
    kind,
    op,
    killWorker: values["kill-worker"] === true,
    trace: values.trace === true,
  } as BenchOptions;
  for (const name of Object.keys(NUMERIC) as (keyof typeof NUMERIC)[]) {
    const raw = (values as Record<string, string | boolean | undefined>)[name];
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
  /** Appended to the line when the run was not the default apply. */
  op?: BenchOp;
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
    (o.kind && o.kind !== "storage-account" ? ` kind=${o.kind}` : "") +
    (o.op && o.op !== "apply" ? ` op=${o.op}` : "");
  return { line, exitCode: o.applied < o.resources ? 1 : 0 };
}
