import "server-only";
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { EVIDENCE_ALG, getEvidenceKey } from "./signing-key";

/**
 * A detached JWS (RFC 7515 Appendix F) over the exact bytes of the evidence JSON: `header..signature`.
 * An auditor puts base64url(file bytes) between the dots and verifies with the key from the published JWKS.
 */
export async function signDetached(payload: Uint8Array): Promise<string> {
  const key = await getEvidenceKey();
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: EVIDENCE_ALG, kid: key.publicJwk.kid, typ: "crosskey-evidence+jws" })
    .sign(key.privateKey);
  const [header, , signature] = jws.split(".");
  return `${header}..${signature}`;
}

/** The public keys an auditor verifies with, as served at /.well-known/jwks.json. */
export async function getEvidenceJwks(): Promise<JSONWebKeySet> {
  return { keys: [(await getEvidenceKey()).publicJwk] };
}

/** Verifies a detached JWS over `payload` against a JWKS; throws when the bytes or the signature differ. */
export async function verifyDetached(
  payload: Uint8Array,
  detached: string,
  jwks: JSONWebKeySet,
): Promise<void> {
  const [header, empty, signature] = detached.split(".");
  if (!header || empty !== "" || !signature)
    throw new Error("Not a detached JWS (expected header..signature).");
  await compactVerify(
    `${header}.${Buffer.from(payload).toString("base64url")}.${signature}`,
    createLocalJWKSet(jwks),
    {
      algorithms: [EVIDENCE_ALG],
    },
  );
}
