import type { FastifyInstance, FastifyReply } from "fastify";
import type { Emulator } from "../emulator.js";
import type { UserAssignedIdentity } from "../core/directory.js";
import { installFaultHook } from "../core/fault-hook.js";
import { newId } from "../core/ids.js";
import { AadError } from "../entra/errors.js";
import { issueManagedIdentityToken } from "./issue.js";

type Query = Record<string, string | undefined>;

/** App Service / Container Apps error shape for the identity endpoint. */
const fail = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).send({ statusCode: status, message, correlationId: newId() });

/**
 * The managed identity endpoint in the App Service form (docs/azure-contracts.md §2.6): `X-IDENTITY-HEADER` must
 * match, one of client_id / principal_id (object_id) / mi_res_id picks a user-assigned identity attached to
 * this "app" (world.managedIdentityEndpoint.identities); the response carries numbers as strings.
 */
export function createMsiService(emu: Emulator) {
  return {
    register(app: FastifyInstance): void {
      void app.register(async (scope) => {
        installFaultHook(scope, emu, "msi", (status) => ({
          statusCode: status,
          message: "Injected fault.",
          correlationId: newId(),
        }));
        scope.get<{ Querystring: Query }>(
          "/msi/token",
          { config: { operation: "token" } },
          async (req, reply) => {
            const header = req.headers["x-identity-header"];
            if (header !== emu.world.managedIdentityEndpoint.header)
              return fail(
                reply,
                401,
                "Unauthorized: the X-IDENTITY-HEADER header is missing or does not match.",
              );
            const q = req.query;
            if (!q["api-version"]) return fail(reply, 400, "The api-version parameter is required.");
            // App Service's IDENTITY_ENDPOINT speaks api-version 2019-08-01 (Microsoft Learn, "Managed identities
            // for App Service": REST endpoint reference); 2017-09-01 is the legacy MSI_ENDPOINT form.
            if (q["api-version"] !== "2019-08-01")
              return fail(
                reply,
                400,
                `The api-version '${q["api-version"]}' is not supported; use 2019-08-01.`,
              );
            if (!q.resource) return fail(reply, 400, "The resource parameter is required.");
            const ids = [q.client_id, q.principal_id ?? q.object_id, q.mi_res_id].filter(Boolean);
            if (ids.length > 1)
              return fail(
                reply,
                400,
                "Only one of client_id, principal_id/object_id or mi_res_id may be specified.",
              );
            // No system-assigned identity is enabled on the emulated app: a request without an id cannot be served.
            if (ids.length === 0)
              return fail(
                reply,
                400,
                "Unable to load the proper Managed Identity. No system-assigned managed identity is enabled for this resource.",
              );
            const uami = pick(emu, q);
            if (!uami) return fail(reply, 400, "Unable to load the proper Managed Identity.");
            try {
              const issued = await issueManagedIdentityToken(emu, uami, q.resource);
              return reply.send({
                access_token: issued.token,
                expires_on: String(issued.claims.exp),
                resource: q.resource,
                token_type: "Bearer",
                client_id: uami.clientId,
              });
            } catch (e) {
              if (!(e instanceof AadError)) throw e;
              return fail(reply, 400, e.message);
            }
          },
        );
      });
    },
  };
}

function pick(emu: Emulator, q: Query): UserAssignedIdentity | undefined {
  const d = emu.directory;
  const uami = q.client_id
    ? d.getUamiByClientId(q.client_id)
    : (q.principal_id ?? q.object_id)
      ? d.getUamiByPrincipalId(q.principal_id ?? q.object_id ?? "")
      : d.getUamiByResourceId(q.mi_res_id ?? "");
  const attached = emu.world.managedIdentityEndpoint.identities;
  if (
    !uami ||
    (attached.length > 0 && !attached.some((c) => c.toLowerCase() === uami.clientId.toLowerCase()))
  )
    return undefined;
  return uami;
}
