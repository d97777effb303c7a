import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  addResource,
  assignAndApply,
  operatorPage,
  shot,
  stackInfo,
  useEmulatorIdentity,
  verifiedCustomer,
} from "./helpers";
import { createDiskEncryptionSet, createStorageAccount } from "../integration/azure/isv-resources";

const CUSTOMER = "Litware Operations E2E";
const DES = "des-ops-e2e";
const STORAGE = "stopse2e";
const REASON = "Quarterly re-encryption, ticket SUP-1042";

/** "Check now" on the customer's key health page: the monitor reads the key's newest version. */
async function checkNow(page: Page) {
  await page.goto(`/console/health?q=${encodeURIComponent("Litware Operations")}`);
  await page.getByRole("link", { name: CUSTOMER }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /queued|already running/ })).toBeVisible();
}

test("[operations] Support requests a rotation, Support cannot approve it, an Admin approves and it reaches the new version; an Operator reverts with typed confirmation", async ({
  browser,
}) => {
  test.setTimeout(360_000);
  // The ISV's own Azure: two resources created through ARM, as the ISV would.
  useEmulatorIdentity();
  const armIds = {
    [DES]: await createDiskEncryptionSet(stackInfo().emulatorUrl, DES),
    [STORAGE]: await createStorageAccount(stackInfo().emulatorUrl, STORAGE),
  };

  const admin = await operatorPage(browser);
  const { keys, customerPage } = await verifiedCustomer(admin, browser, {
    name: CUSTOMER,
    tenant: "litware",
    vaultName: "kv-litware-ops",
    keyName: "ops-cmk",
  });

  // The Admin adds both resources, assigns them to the customer and applies the key.
  for (const [name, armId] of Object.entries(armIds)) await addResource(admin, name, armId);
  for (const name of [DES, STORAGE])
    await assignAndApply(admin, name, { typed: "Litware Operations", name: CUSTOMER });
  // An encrypted resource no longer offers a customer dropdown: moving it is a change of key on its page.
  await admin.goto(`/console/resources?q=${DES}`);
  const desRow = admin.locator(`tr[data-resource="${DES}"]`);
  await expect(desRow.getByRole("button", { name: "Change customer" })).toHaveCount(0);
  await expect(desRow.getByRole("link", { name: `Operations on ${DES}` })).toBeVisible();
  await shot(admin, "operations-1-resources-applied");

  // The customer rotates the key; the health monitor ("Check now") reads the new version.
  const rotated = await keys.rotateKey("ops-cmk");
  await checkNow(admin);
  await admin.goto(`/console/resources?q=${DES}`);
  const desUrl = (await desRow.getByRole("link", { name: DES, exact: true }).getAttribute("href"))!;
  await admin.goto(desUrl);
  await expect(async () => {
    await admin.reload();
    await expect(admin.getByTestId("latest-version")).toHaveText(rotated.properties.version!, {
      timeout: 1000,
    });
  }).toPass({ timeout: 45_000 });

  // Support asks for the rotation with a reason and sees the blast radius before asking.
  const support = await operatorPage(browser, "support@fabrikamcloud.onmicrosoft.com");
  await support.goto(desUrl);
  const panel = support.getByTestId("operations");
  await panel.getByRole("radio", { name: /Rotate/ }).check();
  await panel.getByLabel(/Reason/).fill(REASON);
  await panel.getByRole("button", { name: "Preview blast radius" }).click();
  const radius = panel.getByTestId("blast-radius");
  await expect(radius).toBeVisible();
  await expect(radius.getByTestId("write-count")).toHaveText(/^1 · about/);
  await expect(radius.getByText(/virtual machines using them stop/)).toBeVisible();
  await expect(radius.getByTestId("approval-needed")).toContainText("Support requests an operation");
  await shot(support, "operations-2-support-blast-radius");
  await panel.getByRole("button", { name: "Request approval" }).click();
  await expect(support.getByTestId("active-operation")).toContainText("Rotate is awaiting approval");

  // Support sees the request waiting but has no button to approve it.
  await support.goto("/console/approvals");
  const waiting = support.locator(`li[data-approval="${DES}"]`);
  await expect(waiting).toContainText(REASON);
  await expect(waiting.getByTestId("cannot-approve")).toHaveText(
    "You asked for this: an Admin other than you must approve it.",
  );
  await expect(waiting.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  await shot(support, "operations-3-support-cannot-approve");

  // The Admin approves; the job runs and ARM reads the new version back.
  await admin.goto("/console/approvals");
  const request = admin.locator(`li[data-approval="${DES}"]`);
  await expect(request).toContainText("support@fabrikamcloud.onmicrosoft.com");
  await shot(admin, "operations-4-admin-approvals");
  await request.getByRole("button", { name: `Approve rotate to the key's newest version on ${DES}` }).click();
  await expect(request.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();
  await admin.goto(desUrl);
  await expect(admin.locator("[data-job-kind=ROTATE_KEY]").first()).toHaveAttribute(
    "data-job-state",
    "SUCCEEDED",
    { timeout: 60_000 },
  );
  await expect(admin.getByTestId("key-version")).toHaveText(rotated.properties.version!);
  const requested = admin.locator('[data-action="operation.requested"]');
  await expect(requested).toContainText(REASON);
  await expect(requested).toContainText("support@fabrikamcloud.onmicrosoft.com");
  await expect(
    admin
      .locator('[data-action="job.queued"]')
      .filter({ hasText: "approved by ops-admin@fabrikamcloud.onmicrosoft.com" }),
  ).toHaveCount(1);
  await expect(admin.locator('[data-action="cmk.rotated"]')).toContainText(rotated.properties.version!);
  await shot(admin, "operations-5-rotated-timeline");

  // The customer rotates again; Support asks for a fleet rotation of the customer's resources.
  const again = await keys.rotateKey("ops-cmk");
  await checkNow(admin);
  await expect(async () => {
    await admin.goto(desUrl);
    await expect(admin.getByTestId("latest-version")).toHaveText(again.properties.version!, {
      timeout: 1000,
    });
  }).toPass({ timeout: 45_000 });
  await support.goto("/console/operations");
  const form = support.getByTestId("fleet-form");
  await form
    .getByRole("combobox", { name: /Customer/ })
    .first()
    .fill("Litware Operations");
  await form.getByRole("option", { name: CUSTOMER }).click();
  await form.getByLabel(/Reason/).fill(REASON);
  await form.getByRole("button", { name: "Preview blast radius" }).click();
  const fleetRadius = form.getByTestId("blast-radius");
  await expect(
    fleetRadius.getByRole("row", { name: /Disk encryption set.*Litware Operations E2E.*1.*1/ }),
  ).toBeVisible();
  await expect(fleetRadius).toContainText("Left out: 1 Storage account");
  await shot(support, "operations-8-fleet-preview");
  await form.getByRole("button", { name: "Request approval" }).click();
  await expect(support.getByTestId("run-state")).toHaveAttribute("data-state", "AWAITING_APPROVAL");
  await expect(support.getByRole("button", { name: "Approve run" })).toHaveCount(0);
  const runUrl = support.url();

  await admin.goto("/console/approvals");
  await admin.locator("[data-approval-run]").getByRole("link").first().click();
  await expect(admin).toHaveURL(runUrl);
  await admin.getByRole("button", { name: "Approve run" }).click();
  await expect(admin.getByTestId("run-state")).toHaveAttribute("data-state", "FINISHED", { timeout: 60_000 });
  await expect(admin.getByTestId("run-percent")).toHaveText(/^100 % of 1 resources/);
  await expect(admin.getByTestId("run-done")).toHaveText("1");
  await expect(admin.getByTestId("run-approved-by")).toContainText("ops-admin@fabrikamcloud.onmicrosoft.com");
  await expect(admin.getByText(REASON)).toBeVisible();
  await shot(admin, "operations-9-fleet-finished");
  await admin.goto(desUrl);
  await expect(admin.getByTestId("key-version")).toHaveText(again.properties.version!);

  // An Operator reverts the Storage account: a risky operation, so the name must be typed first.
  const operator = await operatorPage(browser, "operator@fabrikamcloud.onmicrosoft.com");
  await operator.goto(`/console/resources?q=${STORAGE}`);
  await operator.getByRole("link", { name: STORAGE, exact: true }).click();
  const ops = operator.getByTestId("operations");
  await ops.getByRole("radio", { name: /Revert/ }).check();
  await ops.getByLabel(/Reason/).fill("Customer offboarding, ticket SUP-1043");
  await ops.getByRole("button", { name: "Preview blast radius" }).click();
  await expect(ops.getByTestId("write-count")).toHaveText(/^1 · about/);
  const run = ops.getByRole("button", { name: "Run: revert to microsoft-managed keys" });
  await expect(run).toBeDisabled();
  await ops.getByLabel(`Type ${STORAGE} to confirm`).fill(STORAGE);
  await shot(operator, "operations-6-revert-confirm");
  await run.click();
  await expect(operator.getByTestId("cmk-state")).toHaveAttribute("data-state", "MICROSOFT_MANAGED", {
    timeout: 60_000,
  });
  await expect(operator.locator('[data-action="cmk.reverted"]')).toBeVisible();
  await shot(operator, "operations-7-reverted");

  // The customer's page says which of their data uses their key now, and which version.
  await customerPage.reload();
  const encrypted = customerPage.getByTestId("encrypted-data");
  await expect(encrypted.getByRole("row", { name: /Disk encryption set 1/ })).toContainText(
    again.properties.version!,
  );
  await expect(encrypted.getByRole("row", { name: /Storage account/ })).toHaveCount(0);
  await shot(customerPage, "operations-10-customer-encrypted-data");
});
