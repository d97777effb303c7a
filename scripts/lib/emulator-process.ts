import fs from "node:fs";
import path from "node:path";
import { startChild, waitForHttp } from "./children.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const EMULATOR_MAIN = path.join(ROOT, "emulator/src/main.ts");
/** The header value the emulator's managed identity endpoint expects by default (emulator/src/core/world.ts). */
export const EMULATOR_IDENTITY_HEADER = "crosskey-emulator-identity-header";

/**
 * Starts the local Azure as its own process (as a real Azure would be: nothing shared but the network)
 * and waits until it answers. Returns the CA file to trust it with.
 */
export async function startEmulatorProcess(options: {
  url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  world?: string;
  /** The app's base URL: the world's registered redirect URIs follow it. */
  appBaseUrl?: string;
  /**
   * Proxy mode (emulator/README.md) answers for Azure's real host names on this port; the emulator's own port
   * + 100 unless given. Key Vault is reached only this way, in every cloud profile.
   */
  proxyPort?: number;
  /** The authority in issuers outside proxy mode and in the world's federated credentials (`--authority`). */
  authority?: string;
  /** The listening address (the emulator's default is localhost: this machine only). */
  host?: string;
  /** How long start-up may take (a large world on a busy machine takes longer). */
  timeoutMs?: number;
  /** The emulator's request log (`--verbose`): one JSON line per request and per answer, with times. */
  verbose?: boolean;
}) {
  const port = new URL(options.url).port || "443";
  const proxyPort = options.proxyPort ?? Number(port) + 100;
  const args = [
    EMULATOR_MAIN,
    "--port",
    port,
    "--data-dir",
    options.dataDir,
    ...(options.world ? ["--world", options.world] : []),
    ...(options.appBaseUrl ? ["--app-base-url", options.appBaseUrl] : []),
    "--proxy-port",
    String(proxyPort),
    ...(options.authority ? ["--authority", options.authority] : []),
    ...(options.host ? ["--host", options.host] : []),
    ...(options.verbose ? ["--verbose"] : []),
  ];
  const child = startChild("emulator", path.join(ROOT, "node_modules/.bin/tsx"), args, options.env, ROOT);
  const caFile = path.join(options.dataDir, "tls/ca.pem");
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!fs.existsSync(caFile)) {
    if (child.exitCode !== null)
      throw new Error(`the emulator exited with code ${child.exitCode} during start-up`);
    if (Date.now() > deadline) throw new Error(`the emulator did not write ${caFile} in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitForHttp(
    new URL("/_emulator/health", options.url).toString(),
    options.timeoutMs ?? 120_000,
    caFile,
  );
  const proxyUrl = `http://localhost:${proxyPort}`;
  // What a Node process needs to reach Azure's real hosts through the proxy (the Azure SDKs read these; Node's
  // own fetch also needs NODE_USE_ENV_PROXY=1 at start, which only the public-cloud profile needs).
  const proxyEnv = { HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" };
  // What an app or worker process on this emulated platform is given, as Azure's hosting gives it: trust for
  // the CA, the platform's managed identity endpoint (App Service / Container Apps set IDENTITY_ENDPOINT and
  // IDENTITY_HEADER), and the way to Azure's real host names.
  const platformEnv = {
    NODE_EXTRA_CA_CERTS: caFile,
    IDENTITY_ENDPOINT: new URL("/msi/token", options.url).toString(),
    IDENTITY_HEADER: EMULATOR_IDENTITY_HEADER,
    ...proxyEnv,
  };
  return { child, caFile, proxyUrl, proxyEnv, platformEnv };
}
