import { createHash } from "node:crypto";
import { AadError, aad } from "../errors.js";
import { authenticateClient, presentsCredential } from "../client-auth.js";
import type { GrantContext, GrantResult } from "./types.js";
import { userTokenResponse } from "./user-tokens.js";

const invalidGrant = (code: number, text: string) => new AadError("invalid_grant", code, text);

/** authorization_code with PKCE; SPA redirect URIs are redeemed cross-origin only, web ones server-side only. */
export async function authorizationCodeGrant(ctx: GrantContext): Promise<GrantResult> {
  const { emu, state, body, creds } = ctx;
  if (!body.code) throw aad.missingParam("code");
  if (!creds.clientId) throw aad.missingParam("client_id");
  const record = state.codes.get(body.code);
  if (!record) throw invalidGrant(9002313, "Invalid request. Request is malformed or invalid.");
  if (record.redeemed)
    throw invalidGrant(
      54005,
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    );
  if (emu.clock.nowMs() > record.expiresAtMs)
    throw invalidGrant(
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  if (record.clientId !== creds.clientId)
    throw invalidGrant(
      70000,
      "Provided grant is invalid or malformed. The authorization code was issued to another client.",
    );
  if (ctx.seg.kind === "tenant" && ctx.seg.tenant.id !== record.tenantId) {
    throw invalidGrant(50148, "The authorization code was issued for another tenant.");
  }
  if (body.redirect_uri !== record.redirectUri) {
    throw invalidGrant(
      500112,
      `The reply address '${body.redirect_uri ?? ""}' does not match the reply address '${record.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  if (record.codeChallenge) {
    const verifier = body.code_verifier ?? "";
    const computed =
      record.codeChallengeMethod === "S256"
        ? createHash("sha256").update(verifier).digest("base64url")
        : verifier;
    if (!verifier || computed !== record.codeChallenge) {
      throw invalidGrant(
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
      );
    }
  }
  const acr = await clientTypeCheck(ctx, record.spa);
  record.redeemed = true;
  const user = emu.directory.getUser(record.tenantId, record.userId);
  if (!user) throw invalidGrant(50034, "The user account does not exist in the directory.");
  const scope = body.scope ?? record.scope;
  const tokens = await userTokenResponse(ctx, {
    user,
    clientId: record.clientId,
    scope,
    acr,
    nonce: record.nonce,
    spa: record.spa,
  });
  return { body: tokens, corsOrigin: record.spa ? ctx.origin : undefined };
}

/** Entra's client-type rules for code and refresh-token redemption; returns `appidacr`. */
export async function clientTypeCheck(ctx: GrantContext, spa: boolean): Promise<"0" | "1" | "2"> {
  if (spa) {
    if (!ctx.origin)
      throw new AadError(
        "invalid_request",
        9002327,
        "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
      );
    return "0";
  }
  if (ctx.origin)
    throw new AadError(
      "invalid_request",
      9002326,
      "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
    );
  const app = ctx.emu.directory.getApplication(ctx.creds.clientId);
  if (!app) return "0";
  if (!presentsCredential(ctx.creds)) {
    throw new AadError(
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  return authenticateClient(ctx.emu, app, ctx.creds);
}
