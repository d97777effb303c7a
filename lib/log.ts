import "server-only";
import pino from "pino";
import { getEnv } from "@/lib/env";

let root: pino.Logger | undefined;

/** Keys whose values never reach a log line, at any depth and in any spelling (Authorization, ID_TOKEN…). */
const SECRET_KEY =
  /^(access_?token|id_?token|refresh_?token|token|password|secret|client_?secret|session_?secret|cookie|set-cookie|authorization|assertion|client_?assertion|code_?verifier|signing_?secret)$/i;
const MAX_DEPTH = 8;

/** A copy of `value` with every secret-named key censored, however deep; errors are left to pino's serializer. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? "[redacted]" : redactSecrets(item, depth + 1),
    ]),
  );
}

/** Structured JSON logs on stdout; secrets and tokens are redacted wherever they appear by these names. */
export function getLogger(): pino.Logger {
  root ??= pino({
    level: getEnv().LOG_LEVEL,
    base: { service: "crosskey" },
    formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
  });
  return root;
}

export function loggerFor(
  requestId: string | null | undefined,
  bindings: Record<string, unknown> = {},
): pino.Logger {
  return getLogger().child({ requestId: requestId ?? undefined, ...(redactSecrets(bindings) as object) });
}
