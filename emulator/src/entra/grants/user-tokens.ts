import type { User } from "../../core/directory.js";
import { aad } from "../errors.js";
import { clientInfo, issueAccessToken, issueIdToken } from "../issue.js";
import { defaultGraphResource, parseScopes } from "../scopes.js";
import type { GrantContext } from "./types.js";

const SPA_REFRESH_MS = 24 * 3600 * 1000; // SPA refresh tokens live 24 h; others 90 days
const REFRESH_MS = 90 * 24 * 3600 * 1000;

/**
 * The token response of a user flow: an access token for the one resource in `scope` (Graph's User.Read
 * when only OIDC scopes were asked), an id_token for `openid`, a refresh token for `offline_access`.
 */
export async function userTokenResponse(
  ctx: GrantContext,
  input: { user: User; clientId: string; scope: string; acr: "0" | "1" | "2"; nonce?: string; spa: boolean },
): Promise<Record<string, unknown>> {
  const { emu, state } = ctx;
  const { user, clientId, scope } = input;
  const tenantName = emu.directory.getTenant(user.tenantId)?.displayName ?? user.tenantId;
  const app = emu.directory.getApplication(clientId);
  if (app && !emu.directory.findServicePrincipal(user.tenantId, clientId))
    throw aad.appNotFound(clientId, tenantName);
  const parsed = parseScopes(emu, scope, tenantName);
  const resource = parsed.resource ?? defaultGraphResource();
  const access = await issueAccessToken(
    emu,
    { kind: "user", tenantId: user.tenantId, user, clientId, acr: input.acr },
    resource,
  );
  const oidc = parsed.oidc.map((s) => s.toLowerCase());
  const granted = parsed.resource
    ? scope.split(/\s+/).filter((s) => s && !oidc.includes(s.toLowerCase()))
    : ["https://graph.microsoft.com/User.Read"];
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: [...granted, ...oidc.filter((s) => s !== "offline_access")].join(" "),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (oidc.includes("openid")) body.id_token = await issueIdToken(emu, user, clientId, input.nonce);
  if (oidc.includes("offline_access")) {
    const ttl = input.spa ? SPA_REFRESH_MS : REFRESH_MS;
    body.refresh_token = state.put(state.refreshTokens, {
      clientId,
      userId: user.id,
      tenantId: user.tenantId,
      scope,
      spa: input.spa,
      expiresAtMs: emu.clock.nowMs() + ttl,
    });
    if (input.spa) body.refresh_token_expires_in = ttl / 1000;
  }
  if (ctx.body.client_info === "1") body.client_info = clientInfo(user);
  return body;
}
