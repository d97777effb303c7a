/**
 * Makes sure a Chromium exists for Playwright. Playwright's own download is impossible offline, so on a
 * Debian machine without one this installs Debian's `chromium` with apt, and says so.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { findBrowser } from "./lib/browser.ts";

const found = findBrowser();
if (found) {
  console.log(
    `[e2e] browser: ${found.source === "playwright" ? "Playwright's Chromium" : found.executablePath}`,
  );
} else if (fs.existsSync("/etc/debian_version") && process.getuid?.() === 0) {
  console.log("[e2e] No Chromium found: installing Debian's chromium package with apt-get (about a minute)…");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  console.log(`[e2e] browser: ${findBrowser()?.executablePath ?? "still missing"}`);
} else {
  console.error(
    "[e2e] No Chromium found. Install Playwright's (npx playwright install chromium) or your system's chromium package.",
  );
  process.exit(1);
}
