import { AadError, aad } from "../errors.js";
import { authenticateClient } from "../client-auth.js";
import { issueAccessToken } from "../issue.js";
import { parseScopes } from "../scopes.js";
import { requireTenant } from "../tenant.js";
import type { GrantContext, GrantResult } from "./types.js";

/**
 * client_credentials (docs/azure-contracts.md §2.3). The app must have a service principal in the tenant
 * (AADSTS700016 until consent), authenticate with a secret or a federated assertion, and ask for
 * exactly one `{resource}/.default`.
 */
export async function clientCredentialsGrant(ctx: GrantContext): Promise<GrantResult> {
  const { emu, creds } = ctx;
  if (!creds.clientId) throw aad.missingParam("client_id");
  const tenant = requireTenant(ctx.seg, creds.clientId);
  const app = emu.directory.getApplication(creds.clientId);
  const sp = app && emu.directory.findServicePrincipal(tenant.id, app.appId);
  // A service principal created moments ago is not yet visible to token issuance (consentPropagationSeconds).
  if (!app || !sp || (sp.tokensFromMs !== undefined && emu.clock.nowMs() < sp.tokensFromMs))
    throw aad.appNotFound(creds.clientId, tenant.displayName);
  const acr = await authenticateClient(emu, app, creds);
  const scope = ctx.body.scope;
  if (!scope) throw aad.missingParam("scope");
  const parsed = parseScopes(emu, scope, tenant.displayName);
  const resource = parsed.resource;
  if (!resource || parsed.oidc.length > 0 || resource.permissions.some((p) => p !== ".default")) {
    throw new AadError(
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const issued = await issueAccessToken(
    emu,
    { kind: "app", tenantId: tenant.id, sp, clientId: app.appId, acr },
    resource,
  );
  return {
    body: {
      token_type: "Bearer",
      expires_in: issued.expiresIn,
      ext_expires_in: issued.expiresIn,
      access_token: issued.token,
    },
  };
}
