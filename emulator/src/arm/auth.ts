import { decodeJwt } from "jose";
import type { Emulator } from "../emulator.js";
import { ArmError } from "./errors.js";
import type { ArmStore, Subscription } from "./store.js";
import { authorityOrigin } from "../core/origin.js";

/** The authenticated ARM caller (from a v1 token for https://management.azure.com/). */
export interface ArmCaller {
  oid: string;
  tid: string;
  display: string;
  claims: Record<string, unknown>;
}

const AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
];

const challenge = (emu: Emulator, tenant: string | undefined, description: string) => ({
  "www-authenticate": `Bearer authorization_uri="${authorityOrigin(emu)}/${tenant ?? "common"}", error="invalid_token", error_description="${description}"`,
});

export async function authenticateArm(emu: Emulator, authorization: string | undefined): Promise<ArmCaller> {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token) {
    throw new ArmError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      {
        headers: challenge(
          emu,
          undefined,
          "The authentication failed because of missing 'Authorization' header.",
        ),
      },
    );
  }
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.", {
      headers: challenge(emu, undefined, "The access token is invalid."),
    });
  }
  const aud = String(claims.aud ?? "");
  if (!AUDIENCES.includes(aud)) {
    throw new ArmError(
      401,
      "InvalidAuthenticationToken",
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences '${AUDIENCES.join("','")}'.`,
      {
        headers: challenge(
          emu,
          String(claims.tid ?? ""),
          "The access token has been obtained for wrong audience.",
        ),
      },
    );
  }
  const now = emu.clock.nowSeconds();
  if (typeof claims.exp === "number" && claims.exp <= now) {
    throw new ArmError(
      401,
      "ExpiredAuthenticationToken",
      `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date(now * 1000).toUTCString()}'.`,
      { headers: challenge(emu, String(claims.tid ?? ""), "The access token is expired.") },
    );
  }
  try {
    await emu.tokens.verify(token, { audiences: AUDIENCES });
  } catch {
    throw new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.", {
      headers: challenge(emu, String(claims.tid ?? ""), "The access token is invalid."),
    });
  }
  const oid = String(claims.oid ?? "");
  return {
    oid,
    tid: String(claims.tid ?? ""),
    display: String(claims.upn ?? claims.unique_name ?? claims.appid ?? oid),
    claims,
  };
}

/** A token from another tenant than the subscription's: 401 InvalidAuthenticationTokenTenant (real message). */
export function requireSubscription(
  emu: Emulator,
  store: ArmStore,
  caller: ArmCaller,
  subscriptionId: string,
): Subscription {
  const sub = store.getSubscription(subscriptionId);
  if (!sub)
    throw new ArmError(
      404,
      "SubscriptionNotFound",
      `The subscription '${subscriptionId}' could not be found.`,
    );
  if (sub.tenantId.toLowerCase() !== caller.tid.toLowerCase()) {
    throw new ArmError(
      401,
      "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer 'https://sts.windows.net/${caller.tid}/'. It must match the tenant 'https://sts.windows.net/${sub.tenantId}/' associated with this subscription. Please use the authority (URL) '${authorityOrigin(emu)}/${sub.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      { headers: challenge(emu, sub.tenantId, "The access token is from the wrong issuer.") },
    );
  }
  return sub;
}

export function authorize(store: ArmStore, caller: ArmCaller, scope: string, action: string): void {
  if (store.hasAction({ principalId: caller.oid, tenantId: caller.tid, scope, action })) return;
  throw new ArmError(
    403,
    "AuthorizationFailed",
    `The client '${caller.display}' with object id '${caller.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** Assigning a UAMI to a resource needs assign/action on the identity (Managed Identity Operator). */
export function authorizeLinked(
  store: ArmStore,
  caller: ArmCaller,
  scope: string,
  action: string,
  linkedScope: string,
): void {
  const linkedAction = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
  if (
    store.hasAction({
      principalId: caller.oid,
      tenantId: caller.tid,
      scope: linkedScope,
      action: linkedAction,
    })
  )
    return;
  throw new ArmError(
    403,
    "LinkedAuthorizationFailed",
    `The client '${caller.display}' with object id '${caller.oid}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action(s) '${linkedAction}' on the linked scope(s) '${linkedScope}' (respectively) or the linked scope(s) are invalid.`,
  );
}
