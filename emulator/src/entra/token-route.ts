import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Emulator } from "../emulator.js";
import { readClientCredentials } from "./client-auth.js";
import { AadError, sendTokenError } from "./errors.js";
import { authorizationCodeGrant } from "./grants/authorization-code.js";
import { clientCredentialsGrant } from "./grants/client-credentials.js";
import { passwordGrant } from "./grants/password.js";
import { refreshTokenGrant } from "./grants/refresh-token.js";
import type { GrantContext, GrantResult } from "./grants/types.js";
import { resourceToScope } from "./scopes.js";
import type { EntraState } from "./state.js";
import { resolveTenantSegment } from "./tenant.js";
import { authorityOrigin } from "../core/origin.js";

const GRANTS: Record<string, (ctx: GrantContext) => Promise<GrantResult>> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  password: passwordGrant,
};

type Params = { tenant: string };

/** The token endpoint, v2 (`scope`) and v1 (`resource`); every failure leaves through sendTokenError. */
export function registerTokenRoutes(app: FastifyInstance, emu: Emulator, state: EntraState): void {
  const handle = (version: 1 | 2) => async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    try {
      const body = { ...(req.body as Record<string, string | undefined> | undefined) };
      if (version === 1 && body.resource && !body.scope) body.scope = resourceToScope(body.resource);
      const seg = resolveTenantSegment(emu, req.params.tenant);
      const grantType = body.grant_type;
      if (!grantType)
        throw new AadError(
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      const grant = GRANTS[grantType];
      if (!grant)
        throw new AadError(
          "unsupported_grant_type",
          70003,
          `The app requested an unsupported grant type '${grantType}'.`,
        );
      const creds = readClientCredentials(body, req.headers.authorization);
      const result = await grant({ emu, state, seg, body, creds, origin });
      if (result.corsOrigin) cors(reply, result.corsOrigin);
      const tenantKey = req.params.tenant.toLowerCase();
      emu.tokenCounts.set(tenantKey, (emu.tokenCounts.get(tenantKey) ?? 0) + 1);
      return reply
        .header("cache-control", "no-store, no-cache")
        .header("pragma", "no-cache")
        .send(result.body);
    } catch (e) {
      if (!(e instanceof AadError)) throw e;
      if (origin) cors(reply, origin);
      return sendTokenError(reply, e, emu.clock.now(), authorityOrigin(emu));
    }
  };
  app.post("/:tenant/oauth2/v2.0/token", { config: { operation: "token" } }, handle(2));
  app.post("/:tenant/oauth2/token", { config: { operation: "token" } }, handle(1));
  // Browsers preflight the token request when MSAL adds custom headers.
  app.options("/:tenant/oauth2/v2.0/token", async (req, reply) => {
    cors(reply, String(req.headers.origin ?? "*"));
    return reply
      .header("access-control-allow-methods", "POST, OPTIONS")
      .header("access-control-allow-headers", String(req.headers["access-control-request-headers"] ?? "*"))
      .code(204)
      .send();
  });
}

function cors(reply: FastifyReply, origin: string): void {
  reply
    .header("access-control-allow-origin", origin)
    .header("access-control-allow-credentials", "true")
    .header("vary", "Origin");
}
