import crypto from "node:crypto";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { findBrowser } from "./scripts/lib/browser";
import { PUBLIC_CLOUD_PORTS } from "./tests/e2e/public-cloud-ports";

// TEST_PORT_OFFSET lets two checkouts run their suites side by side on one machine.
const portOffset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const APP_URL = `http://localhost:${3100 + portOffset}`;
const EMULATOR_URL = `https://localhost:${8444 + portOffset}`;
const browser = findBrowser();
// Test code calls the emulator's APIs as the customer's script would; workers start after the stack is up.
process.env.NODE_EXTRA_CA_CERTS = path.resolve(".cache/e2e-emulator/tls/ca.pem");
process.env.E2E_EMULATOR_URL = EMULATOR_URL;
process.env.E2E_APP_URL = APP_URL;
process.env.E2E_STACK_FILE = path.resolve(".cache/e2e-stack.json");
// The public-cloud project's browser reaches Azure's real host names through the emulator's proxy mode
// (tests/e2e/public-cloud.spec.ts starts it); everything on localhost stays direct.
const PROXY_URL = `http://localhost:${PUBLIC_CLOUD_PORTS.proxy}`;
const chromiumProxy = {
  server: PROXY_URL,
  bypass: "localhost,127.0.0.1,*.google.com,*.googleapis.com,*.gstatic.com",
};
const chromiumLaunch = {
  executablePath: browser?.executablePath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // The emulator's pages use its self-signed certificate.
    ignoreHTTPSErrors: true,
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /public-cloud\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], launchOptions: chromiumLaunch },
    },
    {
      // The production code path: AZURE_CLOUD=public, Azure's real hosts answered by the emulator's proxy mode.
      name: "public-cloud",
      testMatch: /public-cloud\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        baseURL: `http://localhost:${PUBLIC_CLOUD_PORTS.app}`,
        // Chromium's own Google services (update checks, account sign-in) bypass the proxy, so its log holds only
        // what Crosskey's pages asked for; the browser process takes the launch setting, pages the context's.
        launchOptions: { ...chromiumLaunch, proxy: chromiumProxy },
        proxy: chromiumProxy,
      },
    },
  ],
  webServer: {
    command: "node_modules/.bin/tsx --conditions=react-server scripts/e2e-stack.ts",
    url: APP_URL,
    // Generous: a cold `next build` on a busy 2-core machine can take minutes; this is start-up, not a test.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      APP_BASE_URL: APP_URL,
      EMULATOR_URL,
      AZURE_CLOUD: "emulator",
      SESSION_SECRET: crypto.randomBytes(48).toString("base64url"),
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
    },
  },
});
