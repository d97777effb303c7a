import type { FastifyInstance, FastifyRequest } from "fastify";

/** What a service answers for an error: status, extra headers and the body in the service's own envelope. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** How one service speaks about failures (ARM, Key Vault): the rest of its request setup is shared. */
export interface ServiceErrors {
  /** The error for a request body that is not JSON. */
  invalidJson(message: string): Error;
  /** The response for an error the service threw itself, or undefined for anything else. */
  response(error: unknown): ErrorResponse | undefined;
  /** The service's 500 for anything else (which is also logged). */
  internal(message: string): ErrorResponse;
}

/**
 * Registers a service's routes in their own Fastify scope with the setup every service shares: a JSON parser
 * that takes an empty body (the Key Vault SDK's challenge request carries Content-Type but no body) and answers
 * bad JSON in the service's envelope, and one error handler that sends the service's errors as they are.
 */
export function registerService(
  app: FastifyInstance,
  errors: ServiceErrors,
  routes: (scope: FastifyInstance) => void,
): void {
  void app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
      const text = body.toString();
      if (text.trim() === "") return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (e) {
        done(errors.invalidJson(e instanceof Error ? e.message : String(e)));
      }
    });
    scope.setErrorHandler(async (err, _req, reply) => {
      let r = errors.response(err);
      if (!r) {
        scope.log.error(err);
        r = errors.internal(err instanceof Error ? err.message : String(err));
      }
      return reply.code(r.status).headers(r.headers).send(r.body);
    });
    routes(scope);
  });
}

/**
 * The request URL with duplicate slashes in the path collapsed: the SDKs' "/{+resourceId}" template yields
 * "//subscriptions/…", which Azure accepts.
 */
export function requestUrl(req: FastifyRequest): URL {
  return new URL(
    req.url.replace(/^([^?]*)/, (p) => p.replace(/\/{2,}/g, "/")),
    "https://emulator",
  );
}
