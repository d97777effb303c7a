import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { retryTransient } from "./transient";

export type Db = PrismaClient;
/** The client handed to functions that must run inside a caller's transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** Pool and transaction settings; the app reads them from DATABASE_* variables (docs/operations.md). */
export interface DbOptions {
  /** Connections in this client's pool. */
  max?: number;
  /** Shown in `pg_stat_activity`; workers name themselves so operators can see them. */
  applicationName?: string;
  transactionMaxWaitMs?: number;
  transactionTimeoutMs?: number;
  /** How many times an interactive transaction is run again after a transient failure. */
  transientRetries?: number;
  onRetry?: (error: unknown, retry: number) => void;
}

/**
 * A Prisma client over node-postgres. The app uses getDb(); scripts and tests call this directly. Every
 * interactive `$transaction(fn)` is retried on transient failures (lib/db/transient.ts): safe because no
 * transaction in Crosskey calls the network, so a rolled-back attempt left nothing behind.
 */
export function createDb(connectionString: string, options: number | DbOptions = {}): PrismaClient {
  const o = typeof options === "number" ? { max: options } : options;
  const client = new PrismaClient({
    adapter: new PrismaPg({
      connectionString,
      max: o.max ?? 10,
      ...(o.applicationName && { application_name: o.applicationName }),
    }),
    transactionOptions: {
      maxWait: o.transactionMaxWaitMs ?? 10_000,
      timeout: o.transactionTimeoutMs ?? 10_000,
    },
  });
  const retries = o.transientRetries ?? 3;
  // A Proxy rather than $extends: the client keeps its own type, and array-form transactions (whose queries
  // cannot be re-run) pass through untouched. Methods stay bound to the real client.
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === "$transaction")
        return (arg: unknown, txOptions?: unknown) =>
          typeof arg === "function"
            ? retryTransient(() => target.$transaction(arg as never, txOptions as never), {
                retries,
                onRetry: o.onRetry,
              })
            : target.$transaction(arg as never, txOptions as never);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
