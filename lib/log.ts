import "server-only";
import pino from "pino";
import { getEnv } from "@/lib/env";

let root: pino.Logger | undefined;

/** Structured JSON logs on stdout; secrets and tokens are redacted wherever they appear by these names. */
export function getLogger(): pino.Logger {
  root ??= pino({
    level: getEnv().LOG_LEVEL,
    base: { service: "crosskey" },
    redact: {
      paths: [
        "*.accessToken",
        "*.access_token",
        "*.token",
        "*.password",
        "*.secret",
        "*.cookie",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
  });
  return root;
}

export function loggerFor(
  requestId: string | null | undefined,
  bindings: Record<string, unknown> = {},
): pino.Logger {
  return getLogger().child({ requestId: requestId ?? undefined, ...bindings });
}
