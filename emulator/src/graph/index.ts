import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Emulator } from "../emulator.js";
import { applyFault } from "../core/fault-hook.js";
import { newId } from "../core/ids.js";
import { applicationRoutes } from "./applications.js";
import { authenticateGraph } from "./auth.js";
import { GraphError, graphErrorBody } from "./errors.js";
import { federatedCredentialRoutes } from "./federated-credentials.js";
import { meRoutes } from "./me.js";
import { organizationRoutes } from "./organization.js";
import { servicePrincipalRoutes } from "./service-principals.js";
import type { GraphRoute } from "./types.js";
import { graphBase } from "../core/origin.js";

const ROUTES: GraphRoute[] = [
  ...servicePrincipalRoutes,
  ...applicationRoutes,
  ...federatedCredentialRoutes,
  ...organizationRoutes,
  ...meRoutes,
];
const CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Microsoft Graph v1.0 subset at /graph/v1.0; one error mapper renders every failure as Graph does. */
export function createGraphService(emu: Emulator) {
  return {
    register(app: FastifyInstance): void {
      void app.register(async (scope) => {
        scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
          const text = String(body).trim();
          if (!text) return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch {
            done(
              new GraphError(
                400,
                "BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
              ),
            );
          }
        });
        scope.setErrorHandler(async (err, req, reply) => {
          const e =
            err instanceof GraphError
              ? err
              : new GraphError(500, "InternalServerError", err instanceof Error ? err.message : String(err));
          if (e.status === 500) req.log.error(err);
          return reply
            .code(e.status)
            .type(CONTENT_TYPE)
            .send(graphErrorBody(e.code, e.message, emu.clock.now(), clientRequestId(req)));
        });
        scope.all("/graph/v1.0/*", async (req, reply) => handle(emu, req, reply));
      });
    },
  };
}

async function handle(emu: Emulator, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const url = new URL(req.url, "https://graph");
  const path = decodeURIComponent(url.pathname.slice("/graph/v1.0".length)).replace(/\/$/, "");
  const match = ROUTES.map((r) => ({ r, m: r.method === req.method ? r.pattern.exec(path) : null })).find(
    (x) => x.m,
  );
  reply.header("request-id", newId()).header("client-request-id", clientRequestId(req));
  const fault = {
    service: "graph",
    operation: match?.r.operation ?? "unknown",
    method: req.method,
    path: url.pathname,
  };
  if (
    await applyFault(emu, reply, fault, (status) =>
      graphErrorBody(
        status === 429 ? "TooManyRequests" : "ServiceUnavailable",
        "Injected fault.",
        emu.clock.now(),
      ),
    )
  )
    return reply;
  if (!match?.m)
    throw new GraphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${path.split("/")[1] ?? ""}'.`,
    );
  const caller = await authenticateGraph(emu, req.headers.authorization);
  const res = match.r.handle(
    { emu, caller, query: url.searchParams, body: req.body, context: `${graphBase(emu)}/v1.0/$metadata#` },
    match.m.slice(1),
  );
  reply.code(res.status);
  return res.body === undefined ? reply.send() : reply.type(CONTENT_TYPE).send(res.body);
}

const clientRequestId = (req: FastifyRequest): string => {
  const h = req.headers["client-request-id"];
  return typeof h === "string" ? h : newId();
};
