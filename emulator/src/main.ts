import path from "node:path";
import { parseArgs } from "node:util";
import { createEmulator } from "./server.js";

// `npm run emulator [-- --port 8443 --proxy-port 8080 --authority https://login.microsoftonline.com --world emulator/world/demo.json --data-dir .data/emulator --app-base-url http://localhost:3000 --host localhost --verbose]`
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "proxy-port": { type: "string" },
    authority: { type: "string" },
    world: { type: "string" },
    "data-dir": { type: "string" },
    "app-base-url": { type: "string" },
    host: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const port = Number(values.port ?? process.env.EMULATOR_PORT ?? 8443);
const proxyValue = values["proxy-port"] ?? process.env.EMULATOR_PROXY_PORT;
const proxyPort = proxyValue ? Number(proxyValue) : undefined;
const world = path.resolve(
  values.world ?? process.env.EMULATOR_WORLD ?? path.join(import.meta.dirname, "../world/demo.json"),
);
const dataDir = path.resolve(values["data-dir"] ?? process.env.EMULATOR_DATA_DIR ?? ".data/emulator");

const started = Date.now();
try {
  const appBaseUrl = values["app-base-url"] ?? process.env.APP_BASE_URL ?? "http://localhost:3000";
  const emulator = await createEmulator({
    port,
    // localhost (this machine only) unless told otherwise, e.g. --host 0.0.0.0.
    host: values.host ?? process.env.EMULATOR_HOST,
    world,
    dataDir,
    appBaseUrl,
    logger: values.verbose,
    proxyPort,
    authority: values.authority ?? process.env.EMULATOR_AUTHORITY,
  });
  console.log(`Crosskey Azure emulator ready in ${Date.now() - started} ms`);
  console.log(`  base URL   ${emulator.url}`);
  console.log(`  world      ${world}`);
  console.log(`  CA file    ${emulator.caFile}`);
  console.log(`  trust it:  export NODE_EXTRA_CA_CERTS=${emulator.caFile}`);
  console.log(`  control    ${emulator.url}/_emulator/health  (loopback only; no authentication)`);
  if (emulator.proxyUrl) {
    console.log(
      `  proxy      ${emulator.proxyUrl}  (Azure's real host names; every other host is refused and logged)`,
    );
    console.log(
      `  use it:    export HTTPS_PROXY=${emulator.proxyUrl} NO_PROXY=localhost,127.0.0.1 NODE_USE_ENV_PROXY=1`,
    );
  }
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    console.error(
      `Port ${port} or ${proxyPort} is in use: stop the other emulator or pass --port / --proxy-port.`,
    );
  else console.error(e);
  process.exit(1);
}
