import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, createDatabase, ensureAppRole } from "../../../scripts/lib/embedded-postgres";
import { startEmulatorProcess } from "../../../scripts/lib/emulator-process";
import { stopChildren } from "../../../scripts/lib/children";
import { migrateDatabase } from "../../../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** The owner of the schema (a superuser): creates databases, migrates, and what only an owner may do. */
    postgresAdminUrl: string;
    /** The same server as the app's least-privileged role `crosskey_app` (docs/database.md, "Roles"). */
    postgresAppUrl: string;
    templateDatabase: string;
    emulatorUrl: string;
  }
}

// TEST_PORT_OFFSET lets two checkouts run their suites side by side on one machine.
const portOffset = Number(process.env.TEST_PORT_OFFSET ?? 0);
export const EMULATOR_TEST_URL = `https://localhost:${8445 + portOffset}`;
const APP_TEST_URL = `http://localhost:${3100 + portOffset}`;

/**
 * One real PostgreSQL for the run, migrated once into a template database that every test file clones
 * (so files never see each other's rows). The `integration-azure` project also gets the emulator, as its
 * own process over HTTPS; the variables set here reach the test workers, which start after this.
 */
export default async function setup(project: TestProject) {
  const withEmulator = project.name === "integration-azure";
  // `AZURE_CLOUD=public npx vitest run --project integration-azure`: the same tests on the production code path,
  // Azure's real host names answered by the emulator's proxy mode (docs/testing.md).
  const publicCloud = process.env.AZURE_CLOUD === "public";
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "crosskey-it-"));
  await fs.chmod(dir, 0o755);
  const external = process.env.TEST_DATABASE_URL;
  const pg = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, database: "postgres" });
  const adminUrl = external ?? pg!.ownerUrl;
  // The code under test connects as the app's role, as in production; the owner only sets up.
  const appUrl = pg?.url ?? (await ensureAppRole(adminUrl, crypto.randomBytes(18).toString("base64url")));
  const template = `crosskey_template_${crypto.randomBytes(4).toString("hex")}`;
  await migrateDatabase(await createDatabase(adminUrl, template));

  Object.assign(process.env, {
    DATABASE_URL: appUrl,
    SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
    APP_BASE_URL: APP_TEST_URL,
    AZURE_CLOUD: publicCloud ? "public" : "emulator",
    EMULATOR_URL: EMULATOR_TEST_URL,
    LOG_LEVEL: "silent",
  });
  if (withEmulator) {
    const { caFile, proxyEnv } = await startEmulatorProcess({
      url: EMULATOR_TEST_URL,
      dataDir: path.join(dir, "emulator"),
      appBaseUrl: APP_TEST_URL,
      env: { ...process.env },
      // Managed identity tokens and federated credentials then name Entra's real issuer, as in Azure.
      authority: publicCloud ? "https://login.microsoftonline.com" : undefined,
    });
    Object.assign(process.env, {
      ...proxyEnv,
      NODE_EXTRA_CA_CERTS: caFile,
      IDENTITY_ENDPOINT: `${EMULATOR_TEST_URL}/msi/token`,
      IDENTITY_HEADER: "crosskey-emulator-identity-header",
      // Node's own fetch (MSAL, jose, Graph) takes HTTPS_PROXY only with this, read when a worker starts.
      ...(publicCloud ? { NODE_USE_ENV_PROXY: "1" } : {}),
    });
  }
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresAppUrl", appUrl);
  project.provide("templateDatabase", template);
  project.provide("emulatorUrl", EMULATOR_TEST_URL);
  return async () => {
    await stopChildren();
    await pg?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
