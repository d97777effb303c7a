import "server-only";
import { Prisma } from "../generated/prisma/client";
import { isDatabaseUnavailable } from "./errors";

/**
 * Prisma and PostgreSQL failures after which the whole transaction was rolled back and running it again can
 * succeed: no free connection in time (P2028), a write conflict or deadlock (P2034; SQLSTATE 40001, 40P01),
 * and a dropped or refused connection. https://www.prisma.io/docs/orm/reference/error-reference
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    ["P2028", "P2034", "P1001", "P1017"].includes(error.code)
  )
    return true;
  const text = `${(error as { code?: string })?.code ?? ""} ${error instanceof Error ? error.message : String(error)}`;
  return (
    /\b40001\b|\b40P01\b|could not serialize access|deadlock detected/i.test(text) ||
    isDatabaseUnavailable(error)
  );
}

/**
 * Runs `attempt` again after a transient failure, at most `retries` more times, with jittered backoff
 * (50 ms, 100 ms, 200 ms … times 0.5-1.5). Only for work whose every effect is inside the database
 * transaction it wraps: a retried callback must not have called Azure or sent a message.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  options: { retries: number; onRetry?: (error: unknown, retry: number) => void },
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry >= options.retries || !isTransientDatabaseError(error)) throw error;
      options.onRetry?.(error, retry + 1);
      await new Promise((r) => setTimeout(r, 50 * 2 ** retry * (0.5 + Math.random())));
    }
  }
}
