import "server-only";
/**
 * True when the database itself was unreachable (restarting, failing over, connection dropped), as opposed
 * to a query that failed. Jobs treat this as "try again later", never as the job's own failure.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const text = `${(error as { name?: string })?.name ?? ""} ${(error as { code?: string })?.code ?? ""} ${error instanceof Error ? error.message : String(error)}`;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|57P01|57P03|08006|08001|08003|the database system is (starting up|shutting down)|Can't reach database|DatabaseNotReachable|connection is closed/i.test(
    text,
  );
}
