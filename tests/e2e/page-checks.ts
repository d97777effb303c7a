/**
 * The checks every page the e2e tests visit must pass: axe at WCAG 2.2 AA with no violation, and no sideways
 * scrolling at a 375 px wide phone screen; both widths are saved as screenshots to be looked at.
 */
import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

// axe's tags for every WCAG A and AA success criterion up to 2.2 (https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#axe-core-tags).
const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 720 };
const SCREENSHOTS = "artifacts/screenshots";
const CHECK_BUDGET_MS = 15_000;

/** Crosskey's own pages; the emulator's sign-in and consent pages stand in for Microsoft's and are not ours. */
export function isAppPage(page: Page): boolean {
  const base = process.env.E2E_APP_URL;
  return base !== undefined && page.url().startsWith(base);
}

export async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found, `axe WCAG 2.2 AA violations on ${page.url()}`).toEqual([]);
}

/** Passes when the page needs no horizontal scrolling at its current viewport width. */
export async function expectFitsViewport(page: Page) {
  const { width, scrollWidth } = await page.evaluate(() => ({
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
  }));
  expect(scrollWidth, `page width at a ${width} px viewport on ${page.url()}`).toBeLessThanOrEqual(width);
}

/**
 * Scans the page as it is now, checks it at phone width, and saves `<name>-375.png` and `<name>.png`
 * (1280 px). The viewport is put back afterwards, so a test can go on from where it called this.
 */
export async function checkPage(page: Page, name: string) {
  // A scan and two full-page screenshots are work the test did not have before: each adds to its budget.
  test.info().setTimeout(test.info().timeout + CHECK_BUDGET_MS);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  const ours = isAppPage(page);
  // Next.js streams a page's metadata after its first bytes, so right after a navigation <title> can still be on
  // its way: wait for it (a page that never gets one still fails here), then scan.
  if (ours) await expect(page).toHaveTitle(/\S/);
  if (ours) await expectNoAxeViolations(page);
  await page.setViewportSize(PHONE);
  if (ours) await expectFitsViewport(page);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-375.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  await page.setViewportSize(original);
}
