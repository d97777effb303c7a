import type { FastifyReply } from "fastify";
import { entraTimestamp, newId } from "../core/ids.js";

/**
 * An Entra (AADSTS) failure. The token endpoint turns it into the OAuth2 error envelope of
 * docs/azure-contracts.md §2.3; browser endpoints turn it into an error page or a redirect with `error`/`error_description`.
 */
export class AadError extends Error {
  constructor(
    readonly error: string,
    readonly code: number,
    readonly text: string,
    readonly status = error === "invalid_client" ? 401 : 400,
    readonly extra: Record<string, string> = {},
  ) {
    super(`AADSTS${code}: ${text}`);
  }
}

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  [k: string]: unknown;
}

/** `error_description` as Entra writes it: message, then trace id, correlation id and timestamp on their own lines. */
export function describe(
  err: AadError,
  now: Date,
  ids = { traceId: newId(), correlationId: newId() },
): string {
  return `AADSTS${err.code}: ${err.text}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${entraTimestamp(now)}`;
}

export function toErrorBody(err: AadError, now: Date, baseUrl: string): AadErrorBody {
  const ids = { traceId: newId(), correlationId: newId() };
  return {
    error: err.error,
    error_description: describe(err, now, ids),
    error_codes: [err.code],
    timestamp: entraTimestamp(now),
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
    error_uri: `${baseUrl}/error?code=${err.code}`,
    ...err.extra,
  };
}

export function sendTokenError(reply: FastifyReply, err: AadError, now: Date, baseUrl: string): FastifyReply {
  return reply
    .code(err.status)
    .header("cache-control", "no-store, no-cache")
    .send(toErrorBody(err, now, baseUrl));
}

/** The AADSTS errors used in more than one place, with Entra's wording. */
export const aad = {
  tenantNotFound: (tenant: string) =>
    new AadError(
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  appNotFound: (appId: string, tenantName: string) =>
    new AadError(
      "unauthorized_client",
      700016,
      `Application with identifier '${appId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidRedirect: (redirectUri: string, appId: string) =>
    new AadError(
      "invalid_request",
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  missingParam: (name: string) =>
    new AadError(
      "invalid_request",
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  singleTenantOnCommon: (appId: string, displayName: string) =>
    new AadError(
      "invalid_request",
      50194,
      `Application '${appId}'(${displayName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    ),
  userNotInTenant: (upn: string, homeTenantId: string, appId: string, displayName: string) =>
    new AadError(
      "invalid_request",
      50020,
      `User account '${upn}' from identity provider 'https://sts.windows.net/${homeTenantId}/' does not exist in tenant '${displayName}' and cannot access the application '${appId}' in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    ),
};
