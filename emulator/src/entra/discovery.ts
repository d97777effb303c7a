import type { FastifyInstance, FastifyReply } from "fastify";
import type { Emulator } from "../emulator.js";
import { AadError, toErrorBody } from "./errors.js";
import { resolveTenantSegment, v1Issuer, v2Issuer } from "./tenant.js";
import { authorityOrigin } from "../core/origin.js";

/** OIDC discovery documents (docs/azure-contracts.md §2.2), JWKS and MSAL's instance discovery. */
export function registerDiscoveryRoutes(app: FastifyInstance, emu: Emulator): void {
  const cached = (reply: FastifyReply) =>
    reply.header("cache-control", "max-age=86400, private").header("access-control-allow-origin", "*");
  const fail = (reply: FastifyReply, e: unknown) => {
    if (!(e instanceof AadError)) throw e;
    // Discovery names an unknown tenant `invalid_tenant` (AADSTS90002); the token endpoint says invalid_request.
    const err = e.code === 90002 ? new AadError("invalid_tenant", e.code, e.text) : e;
    return reply.code(400).send(toErrorBody(err, emu.clock.now(), authorityOrigin(emu)));
  };

  app.get<{ Params: { tenant: string } }>(
    "/:tenant/v2.0/.well-known/openid-configuration",
    { config: { operation: "discovery" } },
    async (req, reply) => {
      const base = authorityOrigin(emu);
      try {
        const seg = resolveTenantSegment(emu, req.params.tenant);
        // Multi-tenant aliases keep their name in endpoints and advertise the `{tenantid}` issuer template.
        const t = seg.kind === "tenant" ? seg.tenant.id : seg.name;
        const issuer = seg.kind === "tenant" ? v2Issuer(emu, t) : `${base}/{tenantid}/v2.0`;
        return cached(reply).send({
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
          ],
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          issuer,
          request_uri_parameter_supported: false,
          userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          claims_supported: [
            "sub",
            "iss",
            "cloud_instance_name",
            "cloud_instance_host_name",
            "cloud_graph_host_name",
            "msgraph_host",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email",
          ],
          kerberos_endpoint: `${base}/${t}/kerberos`,
          tenant_region_scope: "EU",
          cloud_instance_name: "microsoftonline.com",
          cloud_graph_host_name: "graph.windows.net",
          msgraph_host: "graph.microsoft.com",
          rbac_url: "https://pas.windows.net",
        });
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get<{ Params: { tenant: string } }>(
    "/:tenant/.well-known/openid-configuration",
    { config: { operation: "discovery" } },
    async (req, reply) => {
      const base = authorityOrigin(emu);
      try {
        const seg = resolveTenantSegment(emu, req.params.tenant);
        const t = seg.kind === "tenant" ? seg.tenant.id : seg.name;
        return cached(reply).send({
          token_endpoint: `${base}/${t}/oauth2/token`,
          token_endpoint_auth_methods_supported: [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
          ],
          jwks_uri: `${base}/common/discovery/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
          scopes_supported: ["openid"],
          issuer: seg.kind === "tenant" ? v1Issuer(t) : "https://sts.windows.net/{tenantid}/",
          authorization_endpoint: `${base}/${t}/oauth2/authorize`,
          end_session_endpoint: `${base}/${t}/oauth2/logout`,
          cloud_instance_name: "microsoftonline.com",
          msgraph_host: "graph.microsoft.com",
        });
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  const keys = async (_req: unknown, reply: FastifyReply) => cached(reply).send(emu.tokens.jwks());
  app.get("/:tenant/discovery/v2.0/keys", { config: { operation: "discovery" } }, keys);
  app.get("/:tenant/discovery/keys", { config: { operation: "discovery" } }, keys);

  // MSAL instance discovery (msal-common `AAD_INSTANCE_DISCOVERY_ENDPT`). Reached on one of Entra's real host
  // names (proxy mode) it answers the alias groups MSAL itself ships for the public and sovereign clouds; on the
  // emulator's own host the emulator is the only alias.
  app.get<{ Querystring: { authorization_endpoint?: string; "api-version"?: string } }>(
    "/common/discovery/instance",
    { config: { operation: "discovery" } },
    async (req, reply) => {
      const host = (req.headers.host ?? new URL(emu.baseUrl).host).toLowerCase().replace(/:443$/, "");
      const real = AUTHORITY_ALIASES.some((g) => g.aliases.includes(host));
      const base = real ? `https://${host}` : authorityOrigin(emu);
      const own = new URL(base).host;
      const tenant = /\/\/[^/]+\/([^/]+)\//.exec(req.query.authorization_endpoint ?? "")?.[1] ?? "common";
      return cached(reply).send({
        tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: real
          ? AUTHORITY_ALIASES
          : [{ preferred_network: own, preferred_cache: own, aliases: [own] }],
      });
    },
  );
}

/** Entra's authority alias groups as MSAL ships them (msal-common's built-in instance-discovery metadata). */
export const AUTHORITY_ALIASES = [
  {
    preferred_network: "login.microsoftonline.com",
    preferred_cache: "login.windows.net",
    aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
  },
  {
    preferred_network: "login.partner.microsoftonline.cn",
    preferred_cache: "login.partner.microsoftonline.cn",
    aliases: ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
  },
  {
    preferred_network: "login.microsoftonline.de",
    preferred_cache: "login.microsoftonline.de",
    aliases: ["login.microsoftonline.de"],
  },
  {
    preferred_network: "login.microsoftonline.us",
    preferred_cache: "login.microsoftonline.us",
    aliases: ["login.microsoftonline.us", "login.usgovcloudapi.net"],
  },
  {
    preferred_network: "login-us.microsoftonline.com",
    preferred_cache: "login-us.microsoftonline.com",
    aliases: ["login-us.microsoftonline.com"],
  },
];
