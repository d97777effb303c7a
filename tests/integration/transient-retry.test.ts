import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db/create-db";
import { Prisma } from "../../lib/generated/prisma/client";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
const clients: Db[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  await t.drop();
});

/**
 * One connection, 100 ms to get it: a second transaction must wait for the first one's connection. The
 * connection is opened first, so the wait measured is the pool's, not the server's connection set-up.
 */
async function singleConnectionDb(transientRetries: number) {
  const db = createDb(t.url, { max: 1, transactionMaxWaitMs: 100, transientRetries });
  clients.push(db);
  await db.$queryRaw`SELECT 1`;
  return db;
}

/** Holds the only connection in a transaction for `ms`; resolves once it really holds it. */
async function holdConnection(db: Db, ms: number): Promise<{ done: Promise<unknown> }> {
  let held!: () => void;
  let failed!: (error: unknown) => void;
  const holding = new Promise<void>((resolve, reject) => {
    held = resolve;
    failed = reject;
  });
  const done = db.$transaction(
    async (tx) => {
      held();
      await tx.$executeRaw`SELECT pg_sleep(${ms / 1000})`;
    },
    { timeout: ms + 5000, maxWait: 10_000 },
  );
  done.catch(failed);
  await holding;
  return { done };
}

it("[db] without retries, a transaction that finds no free connection in time fails with P2028", async () => {
  const db = await singleConnectionDb(0);
  const { done } = await holdConnection(db, 1000);
  const error = await db.$transaction((tx) => tx.$queryRaw`SELECT 1`).catch((e: unknown) => e);
  await done;
  expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2028");
});

it("[db] with retries, the same transaction runs again and commits once the connection is free", async () => {
  const db = await singleConnectionDb(6);
  const { done } = await holdConnection(db, 300);
  // Backoff alone (50 ms doubling, x0.5 at least) outlasts the 300 ms hold well before six retries.
  const rows = await db.$transaction((tx) => tx.$queryRaw<{ n: number }[]>`SELECT 1 AS n`);
  await done;
  expect(rows).toEqual([{ n: 1 }]);
});

it("[db] a failure that is not transient is not retried", async () => {
  const db = await singleConnectionDb(6);
  let runs = 0;
  const error = await db
    .$transaction(async (tx) => {
      runs++;
      await tx.$executeRaw`SELECT 1/0`;
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(runs).toBe(1);
});
