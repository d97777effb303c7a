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

  describe("[security] production fails closed", () => {
    const production = {
      ...minimal,
      NODE_ENV: "production",
      AZURE_CLOUD: "public",
      APP_BASE_URL: "https://crosskey.example.com",
      TRUSTED_PROXY_HOPS: "1",
    };

    it("accepts a complete production configuration", () => {
      expect(problems(production)).toEqual([]);
    });

    it("stops without AZURE_CLOUD, naming it", () => {
      const { AZURE_CLOUD: _omitted, ...rest } = production;
      expect(problems(rest)).toEqual(["AZURE_CLOUD: is required in production: public, china or usgov"]);
    });

    it("refuses the emulator unless ALLOW_EMULATOR=true says it is a local demo", () => {
      expect(problems({ ...production, AZURE_CLOUD: "emulator" })[0]).toMatch(
        /^AZURE_CLOUD: emulator is refused in production/,
      );
      expect(problems({ ...production, AZURE_CLOUD: "emulator", ALLOW_EMULATOR: "true" })).toEqual([]);
    });

    it("wants to know where the client's address comes from", () => {
      const { TRUSTED_PROXY_HOPS: _omitted, ...rest } = production;
      expect(problems(rest)[0]).toMatch(/^TRUSTED_PROXY_HOPS: is required in production/);
      expect(problems({ ...rest, CLIENT_IP_HEADER: "X-Azure-ClientIP" })).toEqual([]);
    });

    it("refuses a plain-http public address, and http emulator URLs anywhere", () => {
      expect(problems({ ...production, APP_BASE_URL: "http://crosskey.example.com" })[0]).toMatch(
        /^APP_BASE_URL: must be https in production/,
      );
      expect(problems({ ...minimal, EMULATOR_URL: "http://localhost:8443" })[0]).toMatch(
        /^EMULATOR_URL: must be an https URL/,
      );
    });
  });
});
