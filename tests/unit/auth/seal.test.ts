import { describe, expect, it } from "vitest";
import { seal, unseal } from "../../../lib/auth/seal";
import { safeReturnTo } from "../../../lib/auth/operator-sign-in";

const secret = "s".repeat(40);

describe("[auth] sealed cookies", () => {
  it("round-trip a payload that the browser cannot read", async () => {
    const value = await seal(secret, "customer", { onboardingId: "abc", tid: "t" }, 60);
    expect(value).not.toContain("abc");
    expect(await unseal<{ onboardingId: string }>(secret, "customer", value)).toMatchObject({
      onboardingId: "abc",
      tid: "t",
    });
  });

  it("reject a value sealed for another purpose, with another secret, tampered with, or expired", async () => {
    const value = await seal(secret, "customer", { a: 1 }, 60);
    expect(await unseal(secret, "operator", value)).toBeNull();
    expect(await unseal("x".repeat(40), "customer", value)).toBeNull();
    const parts = value.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}AA`;
    expect(await unseal(secret, "customer", parts.join("."))).toBeNull();
    const expired = await seal(secret, "customer", { a: 1 }, -10);
    expect(await unseal(secret, "customer", expired)).toBeNull();
    expect(await unseal(secret, "customer", undefined)).toBeNull();
  });
});

describe("[auth] return address after operator sign-in", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(safeReturnTo("/console/onboardings/1?x=1")).toBe("/console/onboardings/1?x=1");
    for (const bad of [
      "//evil.example.com",
      "https://evil.example.com",
      "/\\evil.example.com",
      "javascript:alert(1)",
      "/console/../auth/signout",
      "/console/./x",
      "/console/%2e%2e/x",
      "",
      null,
    ]) {
      expect(safeReturnTo(bad)).toBe("/console");
    }
  });
});
