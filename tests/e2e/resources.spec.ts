import { expect, test } from "./fixtures";
import { operatorPage, shot, verifiedCustomer } from "./helpers";

const RESOURCES = [
  "stfabrikamcontoso",
  "cosmos-fabrikam-contoso",
  "des-fabrikam-contoso",
  "sql-fabrikam-contoso",
];

test("[resources] operator assigns the four resource types to a verified customer, reviews the plans, applies, and watches them reach Applied", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const operator = await operatorPage(browser);
  await verifiedCustomer(operator, browser, {
    name: "Litware Resources E2E",
    tenant: "litware",
    vaultName: "kv-litware-e2e",
    keyName: "fabrikam-cmk",
  });

  await operator.goto("/console/resources");
  await operator.getByRole("button", { name: "Discover from Azure" }).click();
  await expect(
    operator.getByRole("status").filter({ hasText: /Found \d+ resources in Azure/ }),
  ).toBeVisible();
  for (const name of RESOURCES) {
    const row = operator.locator(`tr[data-resource="${name}"]`);
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: "Assign" }).click();
    await row.getByRole("combobox", { name: `Customer for ${name}` }).fill("Litware Resources");
    await row.getByRole("option", { name: "Litware Resources E2E" }).click();
    await expect(row.getByRole("status").filter({ hasText: "Assigned." })).toBeVisible();
  }
  await shot(operator, "resources-1-assigned");

  for (const name of RESOURCES) {
    const row = operator.locator(`tr[data-resource="${name}"]`);
    await row.getByRole("button", { name: "Review plan" }).click();
    const plan = row.getByTestId("plan");
    await expect(plan).toBeVisible();
    await expect(plan.getByRole("listitem").first()).toBeVisible();
    if (name === RESOURCES[3]) await shot(operator, "resources-2-plan-sql");
    await plan.getByRole("button", { name: "Apply", exact: true }).click();
    await plan.getByRole("button", { name: "Yes, apply" }).click();
    await expect(row.getByRole("status").filter({ hasText: /Queued/ })).toBeVisible();
  }
  await shot(operator, "resources-3-applying");
  for (const name of RESOURCES) {
    await expect(operator.locator(`tr[data-resource="${name}"]`)).toHaveAttribute("data-state", "APPLIED", {
      timeout: 60_000,
    });
  }
  await shot(operator, "resources-4-applied");
});
