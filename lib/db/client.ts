import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { createDb } from "./create-db";

export type { Db, Tx } from "./create-db";

const globalForDb = globalThis as unknown as { crosskeyDb?: PrismaClient };

/** One client per process; Next's dev server reloads modules, so it is kept on globalThis. */
export function getDb(): PrismaClient {
  globalForDb.crosskeyDb ??= createDb(getEnv().DATABASE_URL);
  return globalForDb.crosskeyDb;
}
