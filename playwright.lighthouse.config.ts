/**
 * Lighthouse's accessibility audit over the customer pages and the console, on the same stack as the e2e
 * tests. Not part of `npm test` (it installs Lighthouse on first use): `npm run a11y:lighthouse`.
 */
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({
  ...base,
  testDir: "tests/lighthouse",
  timeout: 600_000,
  reporter: [["list"]],
});
