import fs from "node:fs";
import { chromium } from "@playwright/test";

export interface BrowserChoice {
  executablePath?: string;
  source: "playwright" | "system";
}

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Playwright's own Chromium when it is installed, else the system's; undefined when neither exists. */
export function findBrowser(): BrowserChoice | undefined {
  const own = chromium.executablePath();
  if (own && fs.existsSync(own)) return { source: "playwright" };
  const system = SYSTEM_CHROMIUM.find((p) => fs.existsSync(p));
  return system ? { executablePath: system, source: "system" } : undefined;
}
