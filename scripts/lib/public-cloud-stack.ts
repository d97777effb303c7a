import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { runToCompletion, startChild, waitForHttp } from "./children.ts";
import { PROJECT_ROOT } from "./database.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startEmulatorProcess } from "./emulator-process.ts";
import { isBuildFresh } from "./next-build.ts";

/**
 * The production code path on one machine: the app and a worker with `AZURE_CLOUD=public` — Azure's real host
 * names, no emulator setting at all — reaching the emulator only through its proxy mode (HTTPS_PROXY and the
 * CA), as a deployment reaches Azure. The managed identity endpoint is the platform's (`IDENTITY_ENDPOINT`), here
 * the emulator's, reached directly. Throw-away database; needs a current `next build`.
 */
export interface PublicCloudStack {
  appUrl: string;
  emulatorUrl: string;
  proxyUrl: string;
  databaseUrl: string;
  caFile: string;
  /** What Node processes need to reach "Azure" through the proxy: the CA, the proxy and its bypass. */
  proxyEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPublicCloudStack(options: {
  dataDir: string;
  /** Where the emulator keeps its CA: reuse one the caller's process already trusts. */
  emulatorDataDir: string;
  ports: { app: number; emulator: number; proxy: number };
  say: (line: string) => void;
}): Promise<PublicCloudStack> {
  if (!(await isBuildFresh(PROJECT_ROOT)))
    throw new Error("the app build is not current: run `npm run build` first");
  const appUrl = `http://localhost:${options.ports.app}`;
  const emulatorUrl = `https://localhost:${options.ports.emulator}`;
  const proxyUrl = `http://localhost:${options.ports.proxy}`;
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, "postgres"),
    ephemeral: true,
  });
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    await pg.stop();
  };
  try {
    await runToCompletion(
      "migrate",
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/db-migrate.ts")],
      { ...process.env, DATABASE_URL: pg.url, MIGRATION_DATABASE_URL: pg.ownerUrl },
      PROJECT_ROOT,
    );
    const emulator = await startEmulatorProcess({
      url: emulatorUrl,
      dataDir: options.emulatorDataDir,
      appBaseUrl: appUrl,
      proxyPort: options.ports.proxy,
      // Managed identity tokens and the world's federated credentials name Entra's real issuer, as in Azure.
      authority: "https://login.microsoftonline.com",
      env: { ...process.env },
    });
    children.push(emulator.child);
    const proxyEnv = {
      ...emulator.platformEnv,
      // Node's own fetch and https (MSAL, jose, the Graph client) take the proxy from the variables above only
      // with this; the Azure SDKs read HTTPS_PROXY themselves.
      NODE_USE_ENV_PROXY: "1",
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...proxyEnv,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: pg.url,
      SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
      APP_BASE_URL: appUrl,
      AZURE_CLOUD: "public",
      // Browsers reach the app directly here; production requires saying so (docs/security.md).
      TRUSTED_PROXY_HOPS: "0",
      EMULATOR_URL: "",
      SMTP_URL: "",
      LOG_LEVEL: "warn",
    };
    children.push(
      startChild(
        "public-app",
        path.join(PROJECT_ROOT, "node_modules/.bin/next"),
        ["start", "--port", String(options.ports.app), "--hostname", "127.0.0.1"],
        env,
        PROJECT_ROOT,
      ),
      startChild(
        "public-worker",
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", path.join(PROJECT_ROOT, "scripts/worker.ts")],
        env,
        PROJECT_ROOT,
      ),
    );
    await waitForHttp(`${appUrl}/api/health/live`, 120_000);
    options.say(`app (AZURE_CLOUD=public) at ${appUrl}, Azure through ${proxyUrl}`);
    return { appUrl, emulatorUrl, proxyUrl, databaseUrl: pg.url, caFile: emulator.caFile, proxyEnv, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
