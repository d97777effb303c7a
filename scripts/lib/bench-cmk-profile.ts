/**
 * Where a bench run's time went, printed before its last line: how long each job spent in each phase (from the
 * audit events its state changes wrote), how the writes spread over the run, what the database sessions were
 * waiting on (sampled from pg_stat_activity), and the CPU each process used. Timings are reported, never judged.
 */
import fs from "node:fs";
import type { PrismaClient } from "../../lib/generated/prisma/client.ts";

/** CPU seconds (user + system, with reaped children) of a process and of its live children. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const ticks = 100; // USER_HZ: 100 on Linux
  let total = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const entry of entries) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces) are space-separated: state ppid … utime stime cutime cstime.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const self = Number(entry) === pid;
    if (!self && Number(fields[1]) !== pid) continue;
    total += Number(fields[11]) + Number(fields[12]) + (self ? Number(fields[13]) + Number(fields[14]) : 0);
  }
  return total / ticks;
}

/** Samples what the database's sessions are doing, twice a second, until stopped. */
export function sampleSessions(db: PrismaClient) {
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const rows = await db.$queryRaw<{ what: string; n: bigint }[]>`
          SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock'
                        THEN wait_event_type || ':' || wait_event || ' (' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 48) || ')'
                      WHEN state = 'active' AND wait_event_type IS NOT NULL THEN wait_event_type || ':' || wait_event
                      ELSE coalesce(state, 'none') END AS what, count(*) AS n
            FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
           GROUP BY 1`;
        samples += 1;
        for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + Number(r.n));
      } catch {
        // A sample lost to a busy database is only a gap in the profile.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    async stop(): Promise<string> {
      stopped = true;
      await loop;
      const mean = [...counts.entries()]
        .map(([what, n]) => [what, n / Math.max(1, samples)] as const)
        .filter(([, n]) => n >= 0.05)
        .sort((a, b) => b[1] - a[1]);
      return mean.map(([what, n]) => `${what} ${n.toFixed(1)}`).join(", ");
    },
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

/**
 * The phases of a run's jobs, from their audit events: queued → running (waiting for a worker, admission),
 * running → waiting on Azure (plan read, write budget, the write), waiting → running (the long-running
 * operation), running → succeeded (read-back, recording). Median and 90th percentile of each, in seconds, and
 * the writes sent per 10 s of the run (a job's move to waiting on Azure follows its write by milliseconds).
 */
export async function phaseProfile(db: PrismaClient, runId: string, startedAt: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ job: string; action: string; at: Date }[]>`
    SELECT e."targetId" AS job, e.action, e."occurredAt" AS at
      FROM "AuditEvent" e JOIN "Job" j ON e."targetId" = j.id::text
     WHERE e."targetType" = 'job' AND j."runId" = ${runId}::uuid
     ORDER BY e.id`;
  const byJob = new Map<string, { action: string; at: number }[]>();
  for (const r of rows) {
    const list = byJob.get(r.job) ?? [];
    list.push({ action: r.action, at: r.at.getTime() });
    byJob.set(r.job, list);
  }
  const phases: Record<string, number[]> = {
    "queued→running": [],
    "running→waiting": [],
    "waiting→running": [],
    "running→succeeded": [],
    total: [],
  };
  const writesPer10s: number[] = [];
  for (const events of byJob.values()) {
    const first = (action: string, after = 0) => events.find((e) => e.action === action && e.at >= after)?.at;
    const queued = first("job.queued");
    const running = first("job.running");
    const waiting = first("job.waiting_on_azure");
    const back = waiting === undefined ? undefined : first("job.running", waiting);
    const succeeded = first("job.succeeded");
    const add = (name: string, from?: number, to?: number) => {
      if (from !== undefined && to !== undefined) phases[name]!.push((to - from) / 1000);
    };
    add("queued→running", queued, running);
    add("running→waiting", running, waiting);
    add("waiting→running", waiting, back);
    add("running→succeeded", back ?? waiting, succeeded);
    add("total", queued, succeeded);
    if (waiting !== undefined) {
      const slot = Math.max(0, Math.floor((waiting - startedAt.getTime()) / 10_000));
      writesPer10s[slot] = (writesPer10s[slot] ?? 0) + 1;
    }
  }
  const phaseLine = Object.entries(phases)
    .map(([name, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return `${name} ${quantile(sorted, 0.5).toFixed(2)}/${quantile(sorted, 0.9).toFixed(2)}`;
    })
    .join(", ");
  return [
    `job phases, median/p90 s: ${phaseLine}`,
    `writes per 10 s: ${Array.from(writesPer10s, (n) => n ?? 0).join(" ")}`,
  ];
}
