import fs from "node:fs";
import { expect, type Browser, type Page } from "@playwright/test";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { checkPage } from "./page-checks";

export const EMULATOR_URL = process.env.E2E_EMULATOR_URL ?? "https://localhost:8444";

interface StackInfo {
  /** The app's role (`crosskey_app`), as the app and the worker connect. */
  databaseUrl: string;
  /** The schema's owner, for set-up only the owner may do (bulk seeding ends with VACUUM ANALYZE). */
  ownerDatabaseUrl: string;
  emulatorUrl: string;
  appUrl: string;
  mailSinkUrl?: string;
}

export function stackInfo(): StackInfo {
  return JSON.parse(
    fs.readFileSync(process.env.E2E_STACK_FILE ?? ".cache/e2e-stack.json", "utf8"),
  ) as StackInfo;
}

/** Checks the page (axe, 375 px) and saves it at 375 and 1280 px: call it on every page a test reaches. */
export async function shot(page: Page, name: string) {
  await checkPage(page, name);
}

/** Picks an account on the emulator's Microsoft sign-in page. */
export async function pickAccount(page: Page, upn: string) {
  await expect(page.getByText("Pick an account")).toBeVisible();
  await page.getByRole("button", { name: new RegExp(upn.replace(/[.@]/g, "\\$&")) }).click();
}

/** An operator of the ISV signed in to the console in a context of its own. */
export async function operatorPage(
  browser: Browser,
  upn = "ops-admin@fabrikamcloud.onmicrosoft.com",
): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto("/console");
  await pickAccount(page, upn);
  return page;
}

/** Creates an invite through the console form and returns its link. */
export async function createInvite(page: Page, customerName: string, pinnedTenant = "") {
  await page.goto("/console/invites/new");
  await page.getByLabel("Customer name").fill(customerName);
  if (pinnedTenant) await page.getByLabel("Pin to tenant (optional)").fill(pinnedTenant);
  await page.getByRole("button", { name: "Create invite" }).click();
  const url = (await page.getByTestId("invite-url").textContent())?.trim() ?? "";
  expect(url).toMatch(/\/onboard\/[A-Za-z0-9_-]{43}$/);
  return url;
}

/** The customer's admin: opens the invite, signs in on the emulator's page and grants consent. */
export async function customerThroughConsent(
  browser: Browser,
  inviteUrl: string,
  upn: string,
  shots?: string,
  onPage?: (page: Page) => void,
) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  onPage?.(page);
  await page.goto(inviteUrl);
  await expect(page.getByRole("heading", { name: "Connect your encryption key" })).toBeVisible();
  if (shots) await shot(page, `${shots}-1-landing`);
  await page.getByRole("link", { name: "Sign in with your work account" }).click();
  await pickAccount(page, upn);
  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
  if (shots) await shot(page, `${shots}-2-signed-in`);
  await page.getByRole("button", { name: "Grant admin consent" }).click();
  await pickAccount(page, upn);
  await expect(page.getByRole("button", { name: "Accept" })).toBeVisible();
  if (shots) await shot(page, `${shots}-3-consent-prompt`);
  await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByRole("heading", { name: "Create your key and allow us to use it" })).toBeVisible();
  const script = (await page.getByTestId("customer-script").textContent()) ?? "";
  const spObjectId = /APP_SP_ID='([0-9a-f-]{36})'/.exec(script)?.[1];
  expect(spObjectId).toBeTruthy();
  return { page, spObjectId: spObjectId!, script };
}

/**
 * A customer with a verified key, the whole way a customer gets there: the operator's invite, the customer's
 * consent and script (vault, key, role), the key URI pasted and verified. Returns the customer's key client.
 */
export async function verifiedCustomer(
  operator: Page,
  browser: Browser,
  input: { name: string; tenant: keyof typeof TENANTS; vaultName: string; keyName: string },
) {
  const tenant = TENANTS[input.tenant];
  const adminUpn = `admin@${tenant.domain}`;
  const inviteUrl = await createInvite(operator, input.name);
  const customer = await customerThroughConsent(browser, inviteUrl, adminUpn);
  const script = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant,
    adminUpn,
    spObjectId: customer.spObjectId,
    vaultName: input.vaultName,
    keyName: input.keyName,
  });
  await customer.page.getByLabel("Key identifier (URI)").fill(script.versionlessUri);
  await customer.page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(customer.page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  return { customerPage: customer.page, keys: script.keys, spObjectId: customer.spObjectId };
}

/** The ISV adds a resource to the inventory by its ARM ID on the Resources page. */
export async function addResource(page: Page, name: string, armId: string) {
  await page.goto("/console/resources");
  await page.getByLabel("Add by resource ID").fill(armId);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `Added ${name}.` })).toBeVisible();
}

/** The ISV assigns a resource to a customer (typed, then picked) and applies the customer's key to it. */
export async function assignAndApply(page: Page, name: string, customer: { typed: string; name: string }) {
  await page.goto(`/console/resources?q=${name}`);
  const row = page.locator(`tr[data-resource="${name}"]`);
  await row.getByRole("button", { name: "Assign" }).click();
  await row.getByRole("combobox", { name: `Customer for ${name}` }).fill(customer.typed);
  await row.getByRole("option", { name: customer.name }).click();
  await expect(row.getByRole("status").filter({ hasText: "Assigned." })).toBeVisible();
  await row.getByRole("button", { name: "Review plan" }).click();
  await row.getByTestId("plan").getByRole("button", { name: "Apply", exact: true }).click();
  await row.getByTestId("plan").getByRole("button", { name: "Yes, apply" }).click();
  await expect(row).toHaveAttribute("data-state", "APPLIED", { timeout: 60_000 });
}

/** The test's own ARM calls (creating the ISV's resources) go through the emulator's managed identity, as the app's do. */
export function useEmulatorIdentity() {
  process.env.IDENTITY_ENDPOINT ??= `${stackInfo().emulatorUrl}/msi/token`;
  process.env.IDENTITY_HEADER ??= "crosskey-emulator-identity-header";
}
