import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { createDb, type DbOptions } from "./create-db";

export type { Db, Tx } from "./create-db";

const globalForDb = globalThis as unknown as { crosskeyDb?: PrismaClient };

/** One client per process; Next's dev server reloads modules, so it is kept on globalThis. */
export function getDb(): PrismaClient {
  globalForDb.crosskeyDb ??= createDb(getEnv().DATABASE_URL, dbOptionsFromEnv());
  return globalForDb.crosskeyDb;
}

/** The pool and transaction settings of DATABASE_* (docs/operations.md), for the app and the worker. */
export function dbOptionsFromEnv(overrides: DbOptions = {}): DbOptions {
  const env = getEnv();
  return {
    max: env.DATABASE_POOL_SIZE,
    transactionMaxWaitMs: env.DATABASE_TRANSACTION_MAX_WAIT_MS,
    transactionTimeoutMs: env.DATABASE_TRANSACTION_TIMEOUT_MS,
    transientRetries: env.DATABASE_TRANSIENT_RETRIES,
    onRetry: (error, retry) =>
      getLogger().warn({ err: error, retry }, "transaction failed for a transient reason; running it again"),
    ...overrides,
  };
}
