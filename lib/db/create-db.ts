import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type Db = PrismaClient;
/** The client handed to functions that must run inside a caller's transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** A Prisma client over node-postgres. The app uses getDb(); scripts and tests call this directly. */
export function createDb(connectionString: string, max = 10): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max }),
    // A burst of requests waits its turn for a pooled connection instead of failing after Prisma's 2 s.
    transactionOptions: { maxWait: 10_000 },
  });
}
