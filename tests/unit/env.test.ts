import { describe, expect, it } from "vitest";
import { ConfigurationError, parseEnv } from "../../lib/env";

const minimal = { SESSION_SECRET: "x".repeat(32), DATABASE_URL: "postgresql://u:p@localhost:5432/crosskey" };

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe("[config] typed environment", () => {
  it("fills demo defaults around the two required variables", () => {
    const env = parseEnv(minimal);
    expect(env.AZURE_CLOUD).toBe("emulator");
    expect(env.INVITE_TTL_DAYS).toBe(14);
    expect(env.ISV_SUBSCRIPTION_IDS).toEqual(["aaaaaaaa-0000-4000-8000-000000000001"]);
  });

  it("names a malformed DATABASE_URL", () => {
    expect(problems({ ...minimal, DATABASE_URL: "mysql://localhost/db" })).toEqual([
      "DATABASE_URL: must be a postgres:// or postgresql:// URL",
    ]);
    expect(problems({ ...minimal, DATABASE_URL: "not a url" })[0]).toMatch(/^DATABASE_URL:/);
  });

  it("names an unknown cloud profile and lists the valid ones", () => {
    const [problem] = problems({ ...minimal, AZURE_CLOUD: "germany" });
    expect(problem).toMatch(/^AZURE_CLOUD:/);
    expect(problem).toMatch(/public.*china.*usgov.*emulator/);
  });

  it("reports every problem at once, each by name", () => {
    const found = problems({
      DATABASE_URL: "x",
      SESSION_SECRET: "short",
      ISV_TENANT_ID: "contoso",
      LOG_LEVEL: "loud",
    });
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual([
      "DATABASE_URL",
      "ISV_TENANT_ID",
      "LOG_LEVEL",
      "SESSION_SECRET",
    ]);
  });

  it("refuses a client secret in production, where the app uses its federated credential", () => {
    expect(problems({ ...minimal, NODE_ENV: "production", SIGNIN_APP_CLIENT_SECRET: "s3cret" })[0]).toMatch(
      /^SIGNIN_APP_CLIENT_SECRET: is for local development only/,
    );
    expect(problems({ ...minimal, NODE_ENV: "development", SIGNIN_APP_CLIENT_SECRET: "s3cret" })).toEqual([]);
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ ...minimal, AZURE_CLOUD: "" }).AZURE_CLOUD).toBe("emulator");
  });
});
