import { expect, test } from "./fixtures";
import { control, grantServiceRole, runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import {
  createInvite,
  customerThroughConsent,
  EMULATOR_URL,
  operatorPage,
  pickAccount,
  shot,
} from "./helpers";

test.describe.configure({ mode: "serial" });

test("[onboarding] invite → sign-in → consent → script → key URI → every hop green → console shows key verified", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  await expect(operator.getByRole("heading", { name: "Onboardings" })).toBeVisible();
  const inviteUrl = await createInvite(operator, "Contoso Pharmaceuticals E2E", "contoso.onmicrosoft.com");
  await shot(operator, "onboarding-0-invite-created");

  const { page, spObjectId, script } = await customerThroughConsent(
    browser,
    inviteUrl,
    "admin@contoso.onmicrosoft.com",
    "onboarding",
  );
  expect(script).toContain(`TENANT_ID='${TENANTS.contoso.id}'`);
  expect(script).toContain(`APP_SP_ID='${spObjectId}'`);
  expect(script).toContain(
    'az role assignment create --role "Key Vault Crypto Service Encryption User" --scope "$VAULT_ID/keys/$KEY" \\\n' +
      '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
  );
  await shot(page, "onboarding-4-key-step");

  // Another variant is written on the server and replaces the script in place.
  await page.getByLabel("Key store").selectOption("MANAGED_HSM");
  await expect(page.getByTestId("customer-script")).toContainText("HSM=");
  await page.getByLabel("Key store").selectOption("VAULT");
  await expect(page.getByTestId("customer-script")).not.toContainText("HSM=");

  // A rejected URI stays in the field, and an oversized one is reported with its real length.
  const keyField = page.getByLabel("Key identifier (URI)");
  const tooLong = `https://kv-contoso-e2e.vault.azure.net/keys/${"x".repeat(5000)}`;
  await keyField.fill(tooLong);
  await page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(page.getByText(`That is ${tooLong.length.toLocaleString("en-US")} characters`)).toBeVisible();
  await expect(keyField).toHaveValue(tooLong);

  // The generated script itself is run for real by tests/integration/azure/customer-script.test.ts (az stand-in);
  // here the customer's side is played through the SDKs, with the values the page shows.
  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.contoso,
    adminUpn: "admin@contoso.onmicrosoft.com",
    spObjectId,
    vaultName: "kv-contoso-e2e",
    keyName: "fabrikam-cmk",
  });
  await page.getByLabel("Key identifier (URI)").fill(versionlessUri);
  await page.getByRole("button", { name: "Submit and verify" }).click();
  const hops = page.getByRole("list", { name: "Verification steps" }).getByRole("listitem");
  await expect(hops).toHaveCount(6);
  for (const hop of ["token", "vault", "key", "properties", "purge_protection", "wrap_unwrap"]) {
    await expect(page.locator(`[data-hop="${hop}"]`)).toHaveAttribute("data-status", "passed");
  }
  await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  await expect(page.locator('[data-service="SQL_SERVER"]')).toHaveAttribute("data-verdict", "compatible");
  await shot(page, "onboarding-5-verified");

  await operator.goto("/console");
  await operator.getByRole("link", { name: "Contoso Pharmaceuticals E2E" }).click();
  await expect(operator.getByText("key verified").first()).toBeVisible();
  for (const step of [
    "Invite created",
    "Customer admin signed in",
    "Admin consent granted and proved",
    "Key URI submitted",
    "Key verified",
  ]) {
    await expect(operator.getByText(step, { exact: true })).toBeVisible();
  }
  await shot(operator, "onboarding-6-console-timeline");
});

test("[onboarding] a role still propagating: the page waits, retries on its own, and turns green", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Woodgrove Bank E2E");
  const { page, spObjectId } = await customerThroughConsent(
    browser,
    inviteUrl,
    "admin@woodgrovebank.onmicrosoft.com",
  );
  const customer = {
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.woodgrove,
    adminUpn: "admin@woodgrovebank.onmicrosoft.com",
    spObjectId,
  };
  const { versionlessUri, vaultId } = await runCustomerScript({
    ...customer,
    vaultName: "kv-woodgrove-e2e",
    keyName: "fabrikam-cmk",
    grantRole: false,
  });
  await control(EMULATOR_URL, "settings", { rolePropagationSeconds: 8 }, "PATCH");
  try {
    await grantServiceRole(customer, vaultId);
    await page.getByLabel("Key identifier (URI)").fill(versionlessUri);
    await page.getByRole("button", { name: "Submit and verify" }).click();
    await expect(page.getByText("Waiting for Azure to apply your role assignment")).toBeVisible();
    await expect(page.locator('[data-hop="key"]')).toHaveAttribute("data-status", "waiting");
    await shot(page, "propagation-1-waiting");
    await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible({
      timeout: 45_000,
    });
    await shot(page, "propagation-2-verified");
  } finally {
    await control(EMULATOR_URL, "settings", { rolePropagationSeconds: 0 }, "PATCH");
  }
});

test("[console] an operator without a Crosskey role is shown why, and nothing else", async ({ browser }) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto("/console");
  await pickAccount(page, "nobody@fabrikamcloud.onmicrosoft.com");
  await expect(page.getByRole("heading", { name: "You do not have access to this" })).toBeVisible();
  await expect(page.getByText("no Crosskey role")).toBeVisible();
  await expect(page.getByTestId("missing-role")).toHaveText("Operator or Support or Admin");
  await shot(page, "console-forbidden");
  const direct = await page.goto("/console/invites/new");
  expect(direct?.url()).toContain("/forbidden");
});
