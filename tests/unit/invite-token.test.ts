import { describe, expect, it } from "vitest";
import { generateInviteToken, hashToken, isWellFormedInviteToken } from "../../lib/auth/invite-token";

describe("[invites] tokens", () => {
  it("are 256-bit, URL-safe, distinct, and stored only as a SHA-256 hash", () => {
    const tokens = new Set(Array.from({ length: 200 }, generateInviteToken));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      expect(isWellFormedInviteToken(token)).toBe(true);
      expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
      expect(hashToken(token)).not.toContain(token);
    }
  });

  it("rejects malformed tokens before any lookup", () => {
    for (const bad of ["", "abc", "x".repeat(44), `${"a".repeat(42)}/`, "../../etc/passwd"]) {
      expect(isWellFormedInviteToken(bad)).toBe(false);
    }
  });
});
