import type { Locator, Page } from "@playwright/test";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { expect, test } from "./fixtures";
import { createInvite, EMULATOR_URL, operatorPage, pickAccount, shot } from "./helpers";
import { expectFitsViewport, PHONE } from "./page-checks";

/** Presses Tab until `target` has focus, as a keyboard user would; fails if it never does. */
async function tabTo(page: Page, target: Locator, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target, `reached with at most ${maxPresses} Tab presses`).toBeFocused();
}

async function keyboardPickAccount(page: Page, upn: string) {
  await expect(page.getByText("Pick an account")).toBeVisible();
  await tabTo(page, page.getByRole("button", { name: new RegExp(upn.replace(/[.@]/g, "\\$&")) }));
  await page.keyboard.press("Enter");
}

test("[a11y] keyboard only: a customer goes from the invite link to a verified key, and hears the result", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Adatum Keyboard E2E");
  const upn = "admin@adatum.onmicrosoft.com";
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  await page.goto(inviteUrl);
  await expect(page).toHaveTitle(/^Sign in · Connect your encryption key/);

  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("link", { name: "Sign in with your work account" }));
  await page.keyboard.press("Enter");
  await keyboardPickAccount(page, upn);

  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
  await expect(page).toHaveTitle(/^Grant admin consent · /);
  await tabTo(page, page.getByRole("button", { name: "Grant admin consent" }));
  await page.keyboard.press("Enter");
  await keyboardPickAccount(page, upn);
  await tabTo(page, page.getByRole("button", { name: "Accept" }));
  await page.keyboard.press("Enter");

  await expect(page.getByRole("heading", { name: "Create your key and allow us to use it" })).toBeVisible();
  await expect(page).toHaveTitle(/^Create your key · /);
  // The script tabs follow the WAI-ARIA tabs pattern: one tab stop, arrows move and select.
  const cli = page.getByRole("tab", { name: "Azure CLI" });
  await tabTo(page, cli);
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "PowerShell" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "PowerShell" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tabpanel", { name: "PowerShell" })).toBeVisible();
  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Portal" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(cli).toHaveAttribute("aria-selected", "true");
  const script = page.getByRole("region", { name: "Azure CLI script" });
  await tabTo(page, script);
  const spObjectId = /APP_SP_ID='([0-9a-f-]{36})'/.exec((await script.textContent()) ?? "")?.[1];
  expect(spObjectId).toBeTruthy();

  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.adatum,
    adminUpn: upn,
    spObjectId: spObjectId!,
    vaultName: "kv-adatum-keyboard-e2e",
    keyName: "fabrikam-cmk",
  });
  await tabTo(page, page.getByLabel("Key identifier (URI)"));
  await page.keyboard.insertText(versionlessUri);
  await page.keyboard.press("Enter");

  // The form is replaced by the result: its heading takes focus, so a screen reader reads it out.
  const verified = page.getByRole("heading", { name: "Your key is verified" });
  await expect(verified).toBeFocused();
  await expect(page).toHaveTitle(/^Key verified · /);
  await shot(page, "a11y-keyboard-verified");
});

test("[a11y] at 375 px no page is wider than the screen", async ({ browser }) => {
  const operator = await operatorPage(browser);
  await operator.setViewportSize(PHONE);
  // shot() checks the width at 375 px (and axe) and saves both sizes of every page.
  const pages = {
    "page-landing": "/",
    "page-not-found": "/no-such-page",
    "page-signin-failed": "/signin-failed?reason=entra",
    "page-session-ended": "/onboard/session-ended",
    "page-consent-rejected": "/onboard/consent-rejected",
    "page-signed-in-elsewhere": "/onboard/signed-in",
    "page-console-onboardings": "/console",
    "page-console-invite": "/console/invites/new",
    "page-console-resources": "/console/resources",
  };
  for (const [name, path] of Object.entries(pages)) {
    await operator.goto(path);
    await expect(operator.getByRole("heading", { level: 1 })).toBeVisible();
    await shot(operator, name);
  }
  const inviteUrl = await createInvite(operator, "Contoso Phone E2E — a customer with a rather long name");
  await expectFitsViewport(operator);
  await operator.getByRole("link", { name: "Open the onboarding" }).click();
  await expect(operator.getByRole("heading", { level: 1 })).toContainText("Contoso Phone E2E");
  await expect(operator).toHaveTitle(/^Contoso Phone E2E .* · Onboarding/);
  await shot(operator, "page-console-onboarding-detail");

  const upn = "admin@contoso.onmicrosoft.com";
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE })).newPage();
  await page.goto(inviteUrl);
  await expectFitsViewport(page);
  await page.getByRole("link", { name: "Sign in with your work account" }).click();
  await pickAccount(page, upn);
  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
  await expectFitsViewport(page);
  await page.getByRole("button", { name: "Grant admin consent" }).click();
  await pickAccount(page, upn);
  await page.getByRole("button", { name: "Accept" }).click();
  for (const tab of ["Azure CLI", "PowerShell", "Portal"]) {
    await page.getByRole("tab", { name: tab }).click();
    await expectFitsViewport(page);
    await shot(page, `a11y-phone-script-${tab.toLowerCase().replace(" ", "-")}`);
  }
  await page.getByRole("tab", { name: "Azure CLI" }).click();
  const script = (await page.getByTestId("customer-script").textContent()) ?? "";
  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.contoso,
    adminUpn: upn,
    spObjectId: /APP_SP_ID='([0-9a-f-]{36})'/.exec(script)?.[1] ?? "",
    vaultName: "kv-contoso-phone-e2e",
    keyName: "fabrikam-cmk",
  });
  const field = page.getByLabel("Key identifier (URI)");
  expect((await field.boundingBox())?.width).toBeGreaterThan(250);
  await field.fill(versionlessUri);
  await page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  await expectFitsViewport(page);
});
