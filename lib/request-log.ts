import { getEnv } from "@/lib/env";

const LEVELS = ["trace", "debug", "info"];
// Invite tokens and other secrets travel in paths (/onboard/<token>): long opaque segments are masked.
const OPAQUE_SEGMENT = /\/[A-Za-z0-9_-]{24,}(?=\/|$)/g;

/**
 * One JSON line per request, as the proxy sees it arrive, carrying the request ID that every later log line
 * of the request and the `x-request-id` response header repeat. Same shape as the pino lines of lib/log.ts;
 * plain console output because the proxy bundle stays free of pino.
 */
export function logRequest(input: { requestId: string; method: string; path: string }) {
  if (!LEVELS.includes(getEnv().LOG_LEVEL)) return;
  console.log(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      service: "crosskey",
      msg: "request",
      requestId: input.requestId,
      method: input.method,
      path: input.path.replace(OPAQUE_SEGMENT, "/[redacted]"),
    }),
  );
}
