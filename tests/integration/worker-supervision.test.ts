import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSupervisedWorker } from "../../scripts/lib/stack";
import type { Supervised } from "../../scripts/lib/children";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: Supervised | undefined;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await worker?.stop();
  await t.drop();
});

/** Worker pids connected to the test database, as /api/health/details finds them (pg_stat_activity). */
async function connectedWorkerPids(): Promise<number[]> {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ application_name: string }>(
      `SELECT DISTINCT application_name FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE 'crosskey-worker:%'`,
    );
    return rows.map((r) => Number(r.application_name.split(":").at(-1)));
  } finally {
    await client.end();
  }
}

// A ceiling, not a timing: a worker starting on a busy two-core machine can take a minute.
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 100_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("[demo] a worker killed with SIGKILL is started again and reconnects", { timeout: 240_000 }, async () => {
  const said: string[] = [];
  worker = startSupervisedWorker({ ...process.env, DATABASE_URL: t.url, LOG_LEVEL: "warn" }, (line) =>
    said.push(line),
  );
  const first = worker.current().pid!;
  await waitFor("the first worker to connect", async () =>
    (await connectedWorkerPids()).includes(first) ? true : undefined,
  );

  worker.current().kill("SIGKILL");
  const second = await waitFor("a restarted worker to connect", async () => {
    const pids = await connectedWorkerPids();
    const pid = worker!.current().pid;
    return pid !== first && pid !== undefined && pids.includes(pid) && !pids.includes(first)
      ? pid
      : undefined;
  });

  expect(second).not.toBe(first);
  expect(worker.restarts()).toBe(1);
  expect(said).toEqual([expect.stringMatching(/^worker exited \(SIGKILL\); starting it again in 1 s$/)]);
});
