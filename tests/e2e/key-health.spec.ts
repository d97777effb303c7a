import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { createInvite, customerThroughConsent, EMULATOR_URL, operatorPage, shot, stackInfo } from "./helpers";

const CUSTOMER = "Adatum Health E2E";
const ADMIN = "admin@adatum.onmicrosoft.com";

/** "Check now" on the key's page, then wait until the page (which refreshes itself) shows `label`. */
async function checkNowUntil(page: Page, label: string) {
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /queued|Checked/ })).toBeVisible();
  await expect(
    page.getByRole("heading", { name: /Health now/ }).getByText(label, { exact: true }),
  ).toBeVisible({
    timeout: 45_000,
  });
}

test("[health] the operator sees a disabled key go red and green again; the customer's page and the email say the same", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const operator = await operatorPage(browser);
  // The ISV's operations mailbox, added by an Admin on the Notifications page.
  await operator.goto("/console/notifications");
  await operator.getByLabel("Name", { exact: true }).fill("Ops mailbox");
  await operator.getByLabel("Email address or https URL").fill("cloud-ops@fabrikamcloud.example");
  await operator.getByRole("button", { name: "Add channel" }).click();
  await expect(operator.getByRole("status").filter({ hasText: "Added Ops mailbox." })).toBeVisible();
  await operator.getByRole("button", { name: "Send test event to Ops mailbox" }).click();
  await expect(operator.getByRole("status").filter({ hasText: "Test event queued" })).toBeVisible();
  await operator.reload();
  await expect(operator.getByRole("cell", { name: /Test notification for Ops mailbox/ })).toBeVisible();
  await shot(operator, "health-0-notifications");
  const inviteUrl = await createInvite(operator, CUSTOMER);
  const customer = await customerThroughConsent(browser, inviteUrl, ADMIN);
  const script = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.adatum,
    adminUpn: ADMIN,
    spObjectId: customer.spObjectId,
    vaultName: "kv-adatum-health",
    keyName: "health-cmk",
  });
  await customer.page.getByLabel("Key identifier (URI)").fill(script.versionlessUri);
  await customer.page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(customer.page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();

  await operator.goto(`/console/health?q=${encodeURIComponent("Adatum Health")}`);
  await operator.getByRole("link", { name: CUSTOMER }).click();
  await checkNowUntil(operator, "healthy");
  await shot(operator, "health-1-healthy");

  await script.keys.updateKeyProperties("health-cmk", { enabled: false });
  await checkNowUntil(operator, "unreachable");
  await expect(operator.getByText(/The key is disabled/).first()).toBeVisible();
  await shot(operator, "health-2-unreachable");
  await operator.goto("/console/health?health=UNREACHABLE");
  await expect(operator.getByRole("link", { name: CUSTOMER })).toBeVisible();
  await shot(operator, "health-3-list-unreachable");

  await customer.page.reload();
  await expect(customer.page.getByRole("heading", { name: "We cannot reach your key" })).toBeVisible();
  await expect(customer.page.getByText(/The key is disabled/).first()).toBeVisible();
  await shot(customer.page, "health-4-customer-unreachable");

  const mail = await browser.newPage();
  await mail.goto(stackInfo().mailSinkUrl!);
  await expect(mail.getByRole("heading", { name: new RegExp(`${CUSTOMER}: key unreachable`) })).toBeVisible();
  await shot(mail, "health-5-email");

  await script.keys.updateKeyProperties("health-cmk", { enabled: true });
  await operator.goto("/console/health?q=adatum");
  await operator.getByRole("link", { name: CUSTOMER }).click();
  await checkNowUntil(operator, "healthy");
  await shot(operator, "health-6-healthy-again");
  await customer.page.reload();
  await expect(customer.page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  await expect(customer.page.getByText("healthy", { exact: true })).toBeVisible();
  // The mail sink refreshes itself every 5 s (meta refresh); a reload of ours could collide with that navigation.
  await expect(mail.getByRole("heading", { name: new RegExp(`${CUSTOMER}: key resolved`) })).toBeVisible({
    timeout: 20_000,
  });
});
