import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../../lib/log";

describe("[security] log redaction", () => {
  it("censors secret-named keys at any depth and in any spelling, and keeps the rest", () => {
    const line = {
      requestId: "r1",
      request: { headers: { Authorization: "Bearer abc", "Set-Cookie": "s=1", accept: "json" } },
      result: { tokens: [{ ID_TOKEN: "eyJ", refreshToken: "r", kind: "pair" }] },
      deep: { a: { b: { c: { password: "p", keep: 1 } } } },
      clientSecret: "s3",
    };
    expect(redactSecrets(line)).toEqual({
      requestId: "r1",
      request: { headers: { Authorization: "[redacted]", "Set-Cookie": "[redacted]", accept: "json" } },
      result: { tokens: [{ ID_TOKEN: "[redacted]", refreshToken: "[redacted]", kind: "pair" }] },
      deep: { a: { b: { c: { password: "[redacted]", keep: 1 } } } },
      clientSecret: "[redacted]",
    });
  });

  it("leaves errors to the error serializer and stops at a depth limit", () => {
    const error = new Error("boom");
    expect(redactSecrets({ err: error })).toEqual({ err: error });
    let nested: Record<string, unknown> = { token: "t" };
    for (let i = 0; i < 20; i++) nested = { next: nested };
    expect(JSON.stringify(redactSecrets(nested))).not.toContain('"t"');
  });
});
