import { findFirstPartyApp } from "../../core/first-party.js";
import { AadError, aad } from "../errors.js";
import { authenticateClient } from "../client-auth.js";
import type { GrantContext, GrantResult } from "./types.js";
import { userTokenResponse } from "./user-tokens.js";

/**
 * Resource owner password credentials, used by tests to act as a customer admin running the customer's
 * script (`az login` with the Azure CLI public client). Confidential clients must also authenticate.
 */
export async function passwordGrant(ctx: GrantContext): Promise<GrantResult> {
  const { emu, body, creds, seg } = ctx;
  if (!creds.clientId) throw aad.missingParam("client_id");
  if (!body.username) throw aad.missingParam("username");
  if (!body.password) throw aad.missingParam("password");
  const user =
    seg.kind === "tenant"
      ? emu.directory.getUser(seg.tenant.id, body.username)
      : emu.directory.findUserAnywhere(body.username);
  if (!user) {
    const where = seg.kind === "tenant" ? seg.tenant.displayName : seg.name;
    throw new AadError(
      "invalid_grant",
      50034,
      `The user account ${body.username} does not exist in the ${where} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  let acr: "0" | "1" | "2" = "0";
  const app = emu.directory.getApplication(creds.clientId);
  if (app) acr = await authenticateClient(emu, app, creds);
  else if (!findFirstPartyApp(creds.clientId)?.publicClient)
    throw aad.appNotFound(creds.clientId, user.tenantId);
  if (user.password === undefined || user.password !== body.password) {
    throw new AadError(
      "invalid_grant",
      50126,
      "Error validating credentials due to invalid username or password.",
    );
  }
  const tokens = await userTokenResponse(ctx, {
    user,
    clientId: creds.clientId,
    scope: body.scope ?? "openid profile offline_access",
    acr,
    spa: false,
  });
  return { body: tokens };
}
