import "server-only";
import crypto from "node:crypto";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { z } from "zod";
import { getFederatedAssertion } from "@/lib/azure/credentials";
import { AppError } from "@/lib/errors";
import { getCloud, getEnv } from "@/lib/env";
import { OPERATOR_ROLES, type OperatorRole, type OperatorSession } from "./session";
import { verifyIdToken } from "./verify-id-token";

/** What the short-lived OAuth cookie carries between the redirect to Entra and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

let client: ConfidentialClientApplication | undefined;

/**
 * The sign-in app as a confidential client. Production: its client assertion is the app identity's
 * managed-identity token (federated credential), so no secret exists. A secret is accepted in development.
 */
function getClient(): ConfidentialClientApplication {
  const env = getEnv();
  const cloud = getCloud();
  client ??= new ConfidentialClientApplication({
    auth: {
      clientId: env.SIGNIN_APP_CLIENT_ID,
      authority: `${cloud.authorityHost}/${env.ISV_TENANT_ID}`,
      // An empty list for Microsoft's hosts: MSAL reads `.length` of it, and an explicit undefined replaces its default.
      knownAuthorities: cloud.knownAuthorities,
      ...(env.SIGNIN_APP_CLIENT_SECRET
        ? { clientSecret: env.SIGNIN_APP_CLIENT_SECRET }
        : { clientAssertion: () => getFederatedAssertion(env.APP_UAMI_CLIENT_ID) }),
    },
  });
  return client;
}

export const redirectUri = () => new URL("/auth/callback", getEnv().APP_BASE_URL).toString();

export async function startOperatorSignIn(
  returnTo: string,
): Promise<{ url: string; pending: PendingSignIn }> {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const pending: PendingSignIn = {
    state: crypto.randomBytes(24).toString("base64url"),
    nonce: crypto.randomBytes(24).toString("base64url"),
    verifier: pkce.verifier,
    returnTo: safeReturnTo(returnTo),
  };
  const url = await getClient().getAuthCodeUrl({
    scopes: ["openid", "profile"],
    redirectUri: redirectUri(),
    state: pending.state,
    nonce: pending.nonce,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    responseMode: "query",
    prompt: "select_account",
  });
  return { url, pending };
}

const callbackSchema = z.union([
  z.object({ code: z.string().min(1).max(4096), state: z.string().min(1).max(200) }),
  z.object({
    error: z.string().max(200),
    error_description: z.string().max(2000).optional(),
    state: z.string().max(200).optional(),
  }),
]);

export async function completeOperatorSignIn(
  query: URLSearchParams,
  pending: PendingSignIn | null,
): Promise<OperatorSession> {
  const parsed = callbackSchema.safeParse(Object.fromEntries(query));
  if (!parsed.success) throw new AppError("BAD_REQUEST", "The sign-in response was malformed.");
  if ("error" in parsed.data) {
    throw new AppError(
      "UNAUTHENTICATED",
      `Sign-in did not complete: ${parsed.data.error_description?.split("\n")[0] ?? parsed.data.error}`,
      {
        azureCode: parsed.data.error,
      },
    );
  }
  if (!pending || !timingSafeEqual(pending.state, parsed.data.state)) {
    throw new AppError(
      "UNAUTHENTICATED",
      "This sign-in response does not belong to this browser session. Start again.",
    );
  }
  const env = getEnv();
  const result = await getClient().acquireTokenByCode({
    code: parsed.data.code,
    scopes: ["openid", "profile"],
    redirectUri: redirectUri(),
    codeVerifier: pending.verifier,
    // MSAL rejects an ID token with a nonce it was not told to expect; we verify it again below.
    nonce: pending.nonce,
  });
  const claims = await verifyIdToken(result.idToken, {
    audience: env.SIGNIN_APP_CLIENT_ID,
    nonce: pending.nonce,
    tenantId: env.ISV_TENANT_ID,
  });
  const roles = (claims.roles ?? []).filter((r): r is OperatorRole =>
    (OPERATOR_ROLES as readonly string[]).includes(r),
  );
  return {
    oid: claims.oid,
    tid: claims.tid,
    upn: claims.preferred_username ?? claims.oid,
    name: claims.name ?? claims.preferred_username ?? "Operator",
    roles,
  };
}

/** Only same-site paths: an open redirect after sign-in would hand the session to someone else's page. */
export function safeReturnTo(value: string | null | undefined): string {
  const path = value?.split("?")[0] ?? "";
  // Dot segments are refused too: a browser resolves /console/../x to /x before asking for it.
  return value &&
    /^\/(?!\/)[\w\-./?=&%]*$/.test(value) &&
    !value.includes("\\") &&
    !/(^|\/)\.\.?(\/|$)/.test(path) &&
    !/%2e/i.test(path)
    ? value
    : "/console";
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
