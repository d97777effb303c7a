import "server-only";
import crypto from "node:crypto";

/** 256 bits of randomness, URL-safe. Shown once in the invite link; only its hash is stored. */
export function generateInviteToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

/** Invite tokens are 43 base64url characters; anything else is refused before a database lookup. */
export function isWellFormedInviteToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
