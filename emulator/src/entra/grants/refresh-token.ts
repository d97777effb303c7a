import { AadError, aad } from "../errors.js";
import { clientTypeCheck } from "./authorization-code.js";
import type { GrantContext, GrantResult } from "./types.js";
import { userTokenResponse } from "./user-tokens.js";

/** refresh_token: multi-resource (any scope the user may get), bound to client and client type. */
export async function refreshTokenGrant(ctx: GrantContext): Promise<GrantResult> {
  const { emu, state, body, creds } = ctx;
  if (!body.refresh_token) throw aad.missingParam("refresh_token");
  const grant = state.refreshTokens.get(body.refresh_token);
  if (!grant || grant.clientId !== creds.clientId)
    throw new AadError("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
  if (emu.clock.nowMs() > grant.expiresAtMs) {
    throw new AadError(
      "invalid_grant",
      grant.spa ? 700084 : 70008,
      "The refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  }
  const acr = await clientTypeCheck(ctx, grant.spa);
  const user = emu.directory.getUser(grant.tenantId, grant.userId);
  if (!user) throw new AadError("invalid_grant", 50034, "The user account does not exist in the directory.");
  const tokens = await userTokenResponse(ctx, {
    user,
    clientId: grant.clientId,
    scope: body.scope ?? grant.scope,
    acr,
    spa: grant.spa,
  });
  return { body: tokens, corsOrigin: grant.spa ? ctx.origin : undefined };
}
