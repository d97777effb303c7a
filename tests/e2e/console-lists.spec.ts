import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { seedAtScale } from "../../prisma/seed/seed-at-scale";
import { operatorPage, shot, stackInfo } from "./helpers";

let detailOnboardingId: string;
test.beforeAll(async () => {
  // More than two pages of everything; the e2e database is thrown away after the run.
  ({ detailOnboardingId } = await seedAtScale(stackInfo().ownerDatabaseUrl, {
    customers: 130,
    verifiedKeys: 80,
    resources: 120,
    jobs: 60,
    auditEvents: 1_000,
    detailEvents: 110,
  }));
});

const range = (page: Page) => page.getByTestId("page-range");

test("[console] onboardings page forward and back, search by name and filter by state, all in the URL", async ({
  browser,
}) => {
  const page = await operatorPage(browser);
  await expect(range(page)).toHaveText(/^1–50 of [\d,]+ onboardings$/);
  const firstRow = await page.locator("tbody tr").first().getAttribute("data-onboarding");
  await shot(page, "console-1-onboardings");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(range(page)).toHaveText(/^51–100 of/);
  expect(page.url()).toContain("after=");
  await page.goBack();
  await expect(range(page)).toHaveText(/^1–50 of/);
  await expect(page.locator("tbody tr").first()).toHaveAttribute("data-onboarding", firstRow!);

  await page.getByRole("searchbox", { name: "Search" }).fill("northwind 0000");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(range(page)).toHaveText(/^1–\d+ of \d+ onboardings$/);
  expect(new URL(page.url()).searchParams.get("q")).toBe("northwind 0000");
  for (const name of await page
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-onboarding"))))
    expect(name).toMatch(/^Northwind 0000/);

  await page.goto("/console");
  await page.getByRole("combobox", { name: "State" }).selectOption("CONSENTED");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/state=CONSENTED/);
  await expect(page.locator("tbody tr").first()).toHaveAttribute("data-state", "CONSENTED");
  const states = await page
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")));
  expect(new Set(states)).toEqual(new Set(["CONSENTED"]));
  await shot(page, "console-2-onboardings-filtered");
});

test("[console] resources page through, filter by service and by a customer picked from a server search", async ({
  browser,
}) => {
  const page = await operatorPage(browser);
  await page.goto("/console/resources");
  await expect(range(page)).toHaveText(/^1–50 of [\d,]+ resources$/);
  await shot(page, "console-3-resources");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(range(page)).toHaveText(/^51–100 of/);

  await page.goto("/console/resources");
  await page.getByRole("combobox", { name: "Service" }).selectOption("SQL_SERVER");
  const picker = page.getByRole("combobox", { name: "Customer" });
  await picker.fill("adatum");
  // Wait for the server's answer: before it, the list still offers the untyped choice ("Unassigned").
  await page
    .getByRole("listbox", { name: "Customer" })
    .getByRole("option", { name: /^Adatum/ })
    .first()
    .click();
  const chosen = await picker.inputValue();
  expect(chosen).toMatch(/^Adatum/);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/service=SQL_SERVER/);
  await expect(page).toHaveURL(/customer=[0-9a-f-]{36}/);
  await expect(range(page)).toHaveText(/^(1–\d+ of \d+ resources|No resources)$/);
  // The picker shows the chosen customer again after the round trip.
  await expect(picker).toHaveValue(chosen);
  const customers = await page
    .locator("tbody tr[data-resource] td:nth-child(2)")
    .evaluateAll((cells) => cells.map((c) => c.textContent));
  expect(customers.every((c) => c === chosen)).toBe(true);
  await shot(page, "console-4-resources-filtered");

  await page.goto("/console/resources?q=stscale000001");
  await expect(range(page)).toHaveText(/^1–10 of 10 resources$/);
});

test("[console] an onboarding's timeline is newest first, in words, paged with its total", async ({
  browser,
}) => {
  const page = await operatorPage(browser);
  await page.goto(`/console/onboardings/${detailOnboardingId}`);
  await expect(range(page)).toHaveText(/^1–50 of 1\d\d entries$/);
  await expect(page.getByText("Key verified again: every hop passed").first()).toBeVisible();
  await page.getByText("Details").first().click();
  await expect(
    page.getByText("hops: token:passed, vault:passed, key:passed, wrap_unwrap:passed").first(),
  ).toBeVisible();
  await shot(page, "console-5-timeline");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(range(page)).toHaveText(/^51–100 of/);
});

test("[console] a full page of each list stays under 100 kB of HTML", async ({ browser }) => {
  // The HTML carries every row twice (the markup and the inline RSC payload), so weight per row adds up fast.
  const page = await operatorPage(browser);
  for (const path of ["/console", "/console/resources", `/console/onboardings/${detailOnboardingId}`]) {
    const response = await page.request.get(path);
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html, path).toContain("1–50 of");
    expect(Buffer.byteLength(html), path).toBeLessThan(100 * 1024);
  }
});
