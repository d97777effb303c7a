/**
 * The `test` every spec imports. Besides the pages a test checks by name (`shot`), every Crosskey page
 * still open when a test ends — in any browser context it created — is scanned with axe and checked at
 * phone width, so a page nobody remembered to check is caught too. eslint makes specs import from here.
 */
import { test as base, type Page } from "@playwright/test";
import { expectFitsViewport, expectNoAxeViolations, isAppPage, PHONE } from "./page-checks";

export { expect } from "@playwright/test";

export const test = base.extend<{ scanOpenPages: void }>({
  scanOpenPages: [
    async ({ browser, context }, use, testInfo) => {
      const before = new Set(browser.contexts().filter((c) => c !== context));
      await use();
      if (testInfo.status !== testInfo.expectedStatus) return;
      const pages: Page[] = browser
        .contexts()
        .filter((c) => !before.has(c))
        .flatMap((c) => c.pages())
        .filter((p) => !p.isClosed() && isAppPage(p));
      for (const page of pages) {
        testInfo.setTimeout(testInfo.timeout + 10_000);
        await expectNoAxeViolations(page);
        const original = page.viewportSize();
        await page.setViewportSize(PHONE);
        await expectFitsViewport(page);
        if (original) await page.setViewportSize(original);
      }
    },
    { auto: true },
  ],
});
