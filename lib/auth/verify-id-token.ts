import "server-only";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { AppError } from "@/lib/errors";
import { getCloud } from "@/lib/env";

export interface IdTokenClaims extends JWTPayload {
  tid: string;
  oid: string;
  name?: string;
  preferred_username?: string;
  nonce?: string;
  roles?: string[];
}

const jwksByTenant = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
/** Key sets kept at most; the oldest is dropped first, so tokens naming random tenants cannot grow memory. */
export const JWKS_CACHE_MAX = 500;

function jwksFor(tenantId: string) {
  let jwks = jwksByTenant.get(tenantId);
  if (!jwks) {
    if (jwksByTenant.size >= JWKS_CACHE_MAX) jwksByTenant.delete(jwksByTenant.keys().next().value!);
    jwks = createRemoteJWKSet(new URL(`${getCloud().authorityHost}/${tenantId}/discovery/v2.0/keys`), {
      cooldownDuration: 30_000,
    });
    jwksByTenant.set(tenantId, jwks);
  }
  return jwks;
}

export const jwksCacheSize = () => jwksByTenant.size;

/**
 * Verifies an Entra v2 ID token on the server: signature against the issuing tenant's keys, issuer, audience,
 * expiry, nonce, and (when given) the tenant it must come from. The browser's word is never taken.
 */
export async function verifyIdToken(
  idToken: string,
  expected: { audience: string; nonce: string; tenantId?: string },
): Promise<IdTokenClaims> {
  const unverified = decodePayload(idToken);
  const tid =
    typeof unverified?.tid === "string" && /^[0-9a-f-]{36}$/i.test(unverified.tid)
      ? unverified.tid
      : undefined;
  if (!tid) throw new AppError("UNAUTHENTICATED", "The sign-in response was not a valid ID token.");
  if (expected.tenantId && tid.toLowerCase() !== expected.tenantId.toLowerCase()) {
    throw new AppError("FORBIDDEN", "You signed in to a different organization than this page expects.", {
      details: { tid },
    });
  }
  try {
    const { payload } = await jwtVerify<IdTokenClaims>(idToken, jwksFor(tid), {
      issuer: `${getCloud().authorityHost}/${tid}/v2.0`,
      audience: expected.audience,
      algorithms: ["RS256"],
      clockTolerance: 120,
      requiredClaims: ["oid", "tid", "nonce", "exp", "iat"],
    });
    if (payload.nonce !== expected.nonce) throw new Error("nonce does not match this sign-in");
    return payload;
  } catch (error) {
    throw new AppError("UNAUTHENTICATED", "The sign-in could not be verified; please sign in again.", {
      cause: error,
      details: { reason: error instanceof Error ? error.message : String(error) },
    });
  }
}

function decodePayload(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split(".")[1];
  if (!part || jwt.length > 16_384) return undefined;
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
