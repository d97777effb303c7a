import "server-only";
import crypto from "node:crypto";
import { EncryptJWT, jwtDecrypt, type JWTPayload } from "jose";

/**
 * Sealed values (JWE, dir + A256GCM) for cookies: the browser holds them but can neither read nor change
 * them. The key is derived from SESSION_SECRET per purpose, so a value sealed for one cookie is useless in another.
 */
function keyFor(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(crypto.hkdfSync("sha256", secret, "crosskey", `cookie:${purpose}`, 32));
}

export async function seal(
  secret: string,
  purpose: string,
  payload: JWTPayload,
  ttlSeconds: number,
): Promise<string> {
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .encrypt(keyFor(secret, purpose));
}

/** The payload, or null when the value is missing, tampered with, sealed for another purpose, or expired. */
export async function unseal<T extends JWTPayload>(
  secret: string,
  purpose: string,
  value: string | undefined,
): Promise<T | null> {
  if (!value || value.length > 8192) return null;
  try {
    const { payload } = await jwtDecrypt(value, keyFor(secret, purpose));
    return payload as T;
  } catch {
    return null;
  }
}

/** A secret kept at rest (a webhook signing secret): sealed like a cookie value, but without an expiry. */
export async function sealSecret(secret: string, purpose: string, value: string): Promise<string> {
  return new EncryptJWT({ v: value })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .encrypt(keyFor(secret, `secret:${purpose}`));
}

export async function unsealSecret(secret: string, purpose: string, sealed: string): Promise<string> {
  const { payload } = await jwtDecrypt(sealed, keyFor(secret, `secret:${purpose}`));
  if (typeof payload.v !== "string") throw new Error("sealed secret has no value");
  return payload.v;
}
