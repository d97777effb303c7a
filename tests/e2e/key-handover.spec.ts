import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  addResource,
  assignAndApply,
  EMULATOR_URL,
  operatorPage,
  shot,
  useEmulatorIdentity,
  verifiedCustomer,
} from "./helpers";
import { createStorageAccount } from "../integration/azure/isv-resources";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";

const CUSTOMER = "Woodgrove Handover E2E";
const STORAGE = "sthandovere2e";
const ADMIN_UPN = `admin@${TENANTS.woodgrove.domain}`;

/** The customer's "Done" step, as the stepper says it (in words for screen readers). */
const doneStep = (page: Page) =>
  page.getByRole("navigation", { name: "Onboarding progress" }).getByRole("listitem").last();

test("[handover] a customer hands over a replacement key: verified and waiting, an Admin approves, the workers apply it, and only then is the customer's page Done with the new key", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  useEmulatorIdentity();
  const armId = await createStorageAccount(EMULATOR_URL, STORAGE);

  const admin = await operatorPage(browser);
  const { customerPage, spObjectId } = await verifiedCustomer(admin, browser, {
    name: CUSTOMER,
    tenant: "woodgrove",
    vaultName: "kv-woodgrove-ho1",
    keyName: "cmk",
  });
  // Verified but not applied yet: the Done step is not reached.
  await expect(doneStep(customerPage)).toContainText("(current)");

  // The ISV applies the first key to the customer's Storage account.
  await addResource(admin, STORAGE, armId);
  await assignAndApply(admin, STORAGE, { typed: "Woodgrove Handover", name: CUSTOMER });

  await customerPage.reload();
  await expect(doneStep(customerPage)).toContainText("(done)");
  const encrypted = customerPage.getByTestId("encrypted-data");
  await expect(encrypted.getByRole("row", { name: /Storage account 1/ })).toContainText(
    "kv-woodgrove-ho1/cmk",
  );
  await shot(customerPage, "handover-1-customer-applied");

  // A replacement that does not verify (no such key in the vault) changes nothing, and says why.
  await customerPage
    .getByLabel("Replacement key identifier (URI)")
    .fill("https://kv-woodgrove-ho1.vault.azure.net/keys/no-such-key");
  await customerPage.getByRole("button", { name: "Hand over and verify" }).click();
  const status = customerPage.getByTestId("handover-status");
  await expect(status).toHaveAttribute("data-status", "failed");
  await expect(status).toContainText("nothing changed: your current key stays in use");
  await expect(customerPage.locator('[data-hop][data-status="failed"]').first()).toContainText("no-such-key");
  await expect(customerPage.getByRole("button", { name: "Verify the replacement again" })).toBeVisible();
  await expect(doneStep(customerPage)).toContainText("(done)");
  await expect(encrypted.getByRole("row", { name: /Storage account 1/ })).toContainText(
    "kv-woodgrove-ho1/cmk",
  );
  await shot(customerPage, "handover-2-customer-failed");

  // The customer makes a new key in a new vault with their script and hands it over on their page.
  const script = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.woodgrove,
    adminUpn: ADMIN_UPN,
    spObjectId,
    vaultName: "kv-woodgrove-ho2",
    keyName: "cmk-next",
  });
  await customerPage.getByLabel("Replacement key identifier (URI)").fill(script.versionlessUri);
  await customerPage.getByRole("button", { name: "Hand over and verify" }).click();
  await expect(status).toHaveAttribute("data-status", "awaiting_approval");
  await expect(status).toContainText("Replacement key verified — waiting for Fabrikam Cloud to apply it");
  await expect(doneStep(customerPage)).toContainText("(current)");
  // The key in use has not moved.
  await expect(encrypted.getByRole("row", { name: /Storage account 1/ })).toContainText(
    "kv-woodgrove-ho1/cmk",
  );
  await shot(customerPage, "handover-3-customer-waiting");

  // Any Admin approves it: the customer asked.
  await admin.goto("/console/approvals");
  const request = admin.locator("[data-approval-run]").filter({ hasText: ADMIN_UPN });
  await expect(request.getByRole("link", { name: "Customer's replacement key" })).toBeVisible();
  await shot(admin, "handover-4-console-approvals");
  await request.getByRole("link", { name: "Customer's replacement key" }).click();
  const radius = admin.getByTestId("blast-radius");
  await expect(radius).toContainText(CUSTOMER);
  await expect(radius).toContainText(script.versionlessUri);
  await shot(admin, "handover-5-console-run-to-approve");
  await admin.getByRole("button", { name: "Approve run" }).click();
  await expect(admin.getByTestId("run-state")).toHaveAttribute("data-state", "FINISHED", { timeout: 60_000 });
  await expect(admin.getByTestId("run-done")).toHaveText("1");

  // The workers applied it: the customer's page reaches Done, with the new key in use.
  await customerPage.reload();
  await expect(status).toHaveAttribute("data-status", "done");
  await expect(doneStep(customerPage)).toContainText("(done)");
  await expect(encrypted.getByRole("row", { name: /Storage account 1/ })).toContainText(
    "kv-woodgrove-ho2/cmk-next",
  );
  const history = customerPage.getByTestId("handover-history");
  // Both hand-overs: the one that failed (withdrawn by the next) and the one applied.
  for (const [action, count] of Object.entries({
    "key.replacement_submitted": 2,
    "key.replacement_failed": 1,
    "key.replacement_withdrawn": 1,
    "key.replacement_verified": 1,
    "key.replacement_accepted": 1,
    "key.replacement_applied": 1,
  }))
    await expect(history.locator(`[data-action="${action}"]`)).toHaveCount(count);
  await shot(customerPage, "handover-6-customer-done");
});
