import { expect, test } from "./fixtures";
import {
  control,
  DEMO_HSM,
  grantHsmServiceRole,
  grantServiceRole,
  runCustomerHsmScript,
  runCustomerScript,
  TENANTS,
} from "../../scripts/lib/emulated-customer";
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

test("[onboarding] a Managed HSM key: the HSM script, the app's local HSM role named while it is missing, then every hop green", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Contoso HSM E2E", "contoso.onmicrosoft.com");
  const { page, spObjectId } = await customerThroughConsent(
    browser,
    inviteUrl,
    "admin@contoso.onmicrosoft.com",
  );
  await page.getByLabel("Key store").selectOption("MANAGED_HSM");
  const script = page.getByTestId("customer-script");
  await expect(script).toContainText(
    'az keyvault role assignment create --hsm-name "$HSM" --role "Managed HSM Crypto Service Encryption User" --scope "/keys/$KEY"',
  );
  await shot(page, "onboarding-hsm-1-script");

  // The demo world's activated HSM (emulator/world/demo.json): the admin plays the script's HSM steps, but the
  // app's local role is not given yet.
  const customer = {
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.contoso,
    adminUpn: "admin@contoso.onmicrosoft.com",
    spObjectId,
    keyName: "fabrikam-hsm-cmk",
  };
  const { versionlessUri } = await runCustomerHsmScript({ ...customer, grantRole: false });
  expect(versionlessUri).toBe(`https://${DEMO_HSM}.managedhsm.azure.net/keys/fabrikam-hsm-cmk`);
  await page.getByLabel("Key identifier (URI)").fill(versionlessUri);
  await page.getByRole("button", { name: "Submit and verify" }).click();
  const keyHop = page.locator('[data-hop="key"]');
  await expect(keyHop).toHaveAttribute("data-status", "waiting");
  await expect(keyHop).toContainText("Azure: AccessDenied");
  await expect(keyHop).toContainText(
    `az keyvault role assignment create --hsm-name ${DEMO_HSM} --role "Managed HSM Crypto Service Encryption User" --scope /keys/fabrikam-hsm-cmk --assignee-object-id ${spObjectId}`,
  );
  await shot(page, "onboarding-hsm-2-waiting-for-local-role");

  await grantHsmServiceRole(customer);
  await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible({ timeout: 45_000 });
  for (const hop of ["token", "vault", "key", "properties", "purge_protection", "wrap_unwrap"]) {
    await expect(page.locator(`[data-hop="${hop}"]`)).toHaveAttribute("data-status", "passed");
  }
  for (const service of ["STORAGE_ACCOUNT", "SQL_SERVER"])
    await expect(page.locator(`[data-service="${service}"]`)).toHaveAttribute("data-verdict", "compatible");
  await expect(page.getByText("Managed HSM Crypto Service Encryption User").first()).toBeVisible();
  await shot(page, "onboarding-hsm-3-verified");

  await operator.goto("/console");
  await operator.getByRole("link", { name: "Contoso HSM E2E" }).click();
  await expect(operator.getByText("key verified").first()).toBeVisible();
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

test("[onboarding] someone who is not an admin forwards the consent request; their admin grants it from the link", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Contoso Forwarded E2E", "contoso.onmicrosoft.com");
  const requester = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  await requester.goto(inviteUrl);
  await requester.getByRole("link", { name: "Sign in with your work account" }).click();
  await pickAccount(requester, "dev@contoso.onmicrosoft.com");
  await requester.getByRole("button", { name: "Grant admin consent" }).click();
  await pickAccount(requester, "dev@contoso.onmicrosoft.com");
  await expect(requester.getByRole("heading", { name: "Need admin approval" })).toBeVisible();
  await requester.getByRole("link", { name: "Return to the application without granting consent" }).click();
  await expect(requester.getByText("Your account cannot grant admin consent")).toBeVisible();
  await requester.getByRole("button", { name: "Get a link for your admin" }).click();
  const linkField = requester.getByLabel("Send this link to your administrator");
  await expect(linkField).toHaveValue(/\/onboard\/consent-request\/[A-Za-z0-9_-]{43}$/);
  const forwardLink = await linkField.inputValue();
  await shot(requester, "forward-1-link");

  // The admin opens the forwarded link in their own browser: no invite, no Crosskey sign-in.
  const admin = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  await admin.goto(forwardLink);
  await expect(admin.getByRole("heading", { name: "Admin consent requested" })).toBeVisible();
  await expect(admin.getByText("dev@contoso.onmicrosoft.com", { exact: true })).toBeVisible();
  await shot(admin, "forward-2-admin");
  await admin.getByRole("button", { name: "Grant admin consent" }).click();
  await pickAccount(admin, "admin@contoso.onmicrosoft.com");
  await admin.getByRole("button", { name: "Accept" }).click();
  await expect(admin.getByRole("heading", { name: "Admin consent granted" })).toBeVisible();
  await shot(admin, "forward-3-granted");
  // The link is spent: opened again, it says so and offers nothing to click.
  await admin.goto(forwardLink);
  await expect(admin.getByRole("heading", { name: "Admin consent granted" })).toBeVisible();
  await expect(admin.getByRole("button", { name: "Grant admin consent" })).toHaveCount(0);

  // The requester's page moves on: consent is proved, the key step is next.
  await requester.reload();
  await expect(
    requester.getByRole("heading", { name: "Create your key and allow us to use it" }),
  ).toBeVisible();
  const script = (await requester.getByTestId("customer-script").textContent()) ?? "";
  expect(script).toMatch(/APP_SP_ID='[0-9a-f-]{36}'/);

  // A made-up link is a 404, like a made-up invite link.
  const missing = await admin.goto(forwardLink.replace(/[A-Za-z0-9_-]{43}$/, "A".repeat(43)));
  expect(missing?.status()).toBe(404);
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
