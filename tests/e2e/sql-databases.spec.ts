import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { createInvite, customerThroughConsent, EMULATOR_URL, operatorPage, shot } from "./helpers";

// The database-per-tenant layout of the demo world: one ISV server, one database per customer (issue 20).
// Litware and Woodgrove: tenants no spec consents in before evidence.spec replaces the emulator's world.
const DATABASES = [
  { name: "sql-fabrikam-saas/tenant-001", customer: "Litware Databases E2E", tenant: "litware" },
  { name: "sql-fabrikam-saas/tenant-002", customer: "Woodgrove Databases E2E", tenant: "woodgrove" },
] as const;

async function verifiedCustomer(
  operator: Page,
  browser: Browser,
  name: string,
  which: "litware" | "woodgrove",
) {
  const tenant = TENANTS[which];
  const adminUpn = `admin@${tenant.domain}`;
  const inviteUrl = await createInvite(operator, name);
  const customer = await customerThroughConsent(browser, inviteUrl, adminUpn);
  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant,
    adminUpn,
    spObjectId: customer.spObjectId,
    vaultName: `kv-${which}-dbs-e2e`,
    keyName: "tenant-db",
  });
  await customer.page.getByLabel("Key identifier (URI)").fill(versionlessUri);
  await customer.page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(customer.page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  await customer.page.close();
}

test("[resources] two customers' databases on one SQL server each get their own customer's key", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const operator = await operatorPage(browser);
  for (const db of DATABASES) await verifiedCustomer(operator, browser, db.customer, db.tenant);

  await operator.goto("/console/resources?service=SQL_DATABASE");
  await operator.getByRole("button", { name: "Discover from Azure" }).click();
  await expect(
    operator.getByRole("status").filter({ hasText: /Found \d+ resources in Azure/ }),
  ).toBeVisible();
  await operator.goto("/console/resources?service=SQL_DATABASE");
  // Databases are listed with the server they live on; master never is.
  await expect(operator.locator('tr[data-resource$="/master"]')).toHaveCount(0);
  for (const db of DATABASES) {
    const row = operator.locator(`tr[data-resource="${db.name}"]`);
    await expect(row).toContainText("SQL database on server sql-fabrikam-saas");
    await expect(row).toContainText("The database uses its server's TDE protector.");
    await row.getByRole("button", { name: "Assign" }).click();
    await row.getByRole("combobox", { name: `Customer for ${db.name}` }).fill(db.customer.split(" ")[0]!);
    await row.getByRole("option", { name: db.customer }).click();
    await expect(row.getByRole("status").filter({ hasText: "Assigned." })).toBeVisible();
  }
  await shot(operator, "sql-databases-1-assigned");

  for (const [i, db] of DATABASES.entries()) {
    const row = operator.locator(`tr[data-resource="${db.name}"]`);
    await row.getByRole("button", { name: "Review plan" }).click();
    const plan = row.getByTestId("plan");
    await expect(plan.getByRole("listitem").first()).toContainText("TDE protector");
    if (i === 0) await shot(operator, "sql-databases-2-plan");
    await plan.getByRole("button", { name: "Apply", exact: true }).click();
    await plan.getByRole("button", { name: "Yes, apply" }).click();
    await expect(row.getByRole("status").filter({ hasText: /Queued/ })).toBeVisible();
  }
  for (const db of DATABASES) {
    const row = operator.locator(`tr[data-resource="${db.name}"]`);
    await expect(row).toHaveAttribute("data-state", "APPLIED", { timeout: 60_000 });
    // Each database reads back its own customer's vault as its protector.
    await expect(row).toContainText(
      new RegExp(
        `Database TDE protector https://kv-${db.tenant}-dbs-e2e\\.vault\\.azure\\.net/keys/tenant-db/`,
      ),
    );
    await expect(row).toContainText(db.customer);
  }
  await shot(operator, "sql-databases-3-applied");
});
