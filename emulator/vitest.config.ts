import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { ensureTls } from "./src/core/certs.ts";
import { Clock } from "./src/core/clock.ts";
import { TokenService } from "./src/core/tokens.ts";

// The CA must exist before the test workers start: Node reads NODE_EXTRA_CA_CERTS only at process start,
// and every SDK (undici fetch, core-rest-pipeline, MSAL) then trusts the emulator without extra options.
const dataDir = path.join(os.tmpdir(), "crosskey-emulator-test");
const tls = await ensureTls(dataDir);
new TokenService(dataDir, new Clock()); // create the signing key once, not concurrently in each worker
process.env.NODE_EXTRA_CA_CERTS = tls.caFile;

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["tests/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    env: { NODE_EXTRA_CA_CERTS: tls.caFile, EMULATOR_TEST_DATA_DIR: dataDir },
  },
});
