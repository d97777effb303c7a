import "server-only";

/**
 * HTTP 429 with Retry-After, and a page a person can read: what happened, when to try again, that nothing
 * changed. For route handlers and the invite page's route-level refusal.
 */
export function rateLimitedResponse(retryAfterSeconds: number): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too many attempts</title></head><body><main><h1>Too many attempts</h1><p>We received too many requests from your network in a short time. Nothing was changed. Try again in ${retryAfterSeconds} seconds: go back and repeat the last step.</p></main></body></html>`;
  return new Response(html, {
    status: 429,
    headers: {
      "retry-after": String(retryAfterSeconds),
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}
