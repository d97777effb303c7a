import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { control, runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { startPublicCloudStack, type PublicCloudStack } from "../../scripts/lib/public-cloud-stack";
import { createInvite, customerThroughConsent, operatorPage, shot } from "./helpers";
import { PUBLIC_CLOUD_PORTS } from "./public-cloud-ports";

/**
 * The production code path: the app and its worker run `AZURE_CLOUD=public` and reach Azure's real host names
 * (login.microsoftonline.com, graph.microsoft.com, management.azure.com, {vault}.vault.azure.net) through the
 * emulator's proxy mode — no emulator endpoint, no URL rewrite. Chromium gets the proxy from this project's
 * `proxy` option (playwright.config.ts); the customer's tools in this process take it per client (viaProxy).
 */
test.describe.configure({ mode: "serial", timeout: 5 * 60_000 });

let stack: PublicCloudStack;
let dataDir: string;
const ADMIN = "admin@adatum.onmicrosoft.com";

test.beforeAll(async () => {
  test.setTimeout(5 * 60_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-public-"));
  fs.chmodSync(dataDir, 0o755);
  stack = await startPublicCloudStack({
    dataDir,
    // The test process trusts this folder's CA (playwright.config.ts).
    emulatorDataDir: path.resolve(".cache/e2e-emulator"),
    ports: PUBLIC_CLOUD_PORTS,
    say: (line) => console.log(`[public-cloud] ${line}`),
  });
});

test.afterAll(async () => {
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test("[public-cloud] onboarding with AZURE_CLOUD=public: sign-in, consent and key verification on Azure's real hosts", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  await expect(operator.getByRole("heading", { name: "Onboardings" })).toBeVisible();
  const inviteUrl = await createInvite(operator, "Adatum Public Cloud E2E", "adatum.onmicrosoft.com");

  const signInHosts: string[] = [];
  const customer = await customerThroughConsent(browser, inviteUrl, ADMIN, undefined, (page) =>
    page.on("framenavigated", (frame) => signInHosts.push(new URL(frame.url()).host)),
  );
  expect(signInHosts).toContain("login.microsoftonline.com");
  // The script the page shows names the public cloud and no emulator.
  expect(customer.script).not.toMatch(/localhost|emulator/i);

  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: stack.emulatorUrl,
    viaProxy: stack.proxyUrl,
    tenant: TENANTS.adatum,
    adminUpn: ADMIN,
    spObjectId: customer.spObjectId,
    vaultName: "kv-adatum-public",
    keyName: "fabrikam-cmk",
  });
  await customer.page.getByLabel("Key identifier (URI)").fill(versionlessUri);
  await customer.page.getByRole("button", { name: "Submit and verify" }).click();
  const steps = customer.page.getByRole("list", { name: "Verification steps" });
  await expect(steps.getByRole("listitem")).toHaveCount(6);
  await expect(customer.page.locator('[data-hop="wrap_unwrap"]')).not.toHaveAttribute(
    "data-status",
    "running",
  );
  console.log(await steps.innerText());
  for (const hop of ["token", "vault", "key", "properties", "purge_protection", "wrap_unwrap"]) {
    await expect(customer.page.locator(`[data-hop="${hop}"]`)).toHaveAttribute("data-status", "passed");
  }
  await expect(customer.page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
  await shot(customer.page, "public-cloud-1-verified");
});

test("[public-cloud] the operator applies the verified key to a storage account through ARM on management.azure.com", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  await operator.goto("/console/resources");
  await operator.getByRole("button", { name: "Discover from Azure" }).click();
  await expect(
    operator.getByRole("status").filter({ hasText: /Found \d+ resources in Azure/ }),
  ).toBeVisible();
  const name = "stfabrikamcontoso";
  const row = operator.locator(`tr[data-resource="${name}"]`);
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Assign" }).click();
  await row.getByRole("combobox", { name: `Customer for ${name}` }).fill("Adatum Public");
  await row.getByRole("option", { name: "Adatum Public Cloud E2E" }).click();
  await expect(row.getByRole("status").filter({ hasText: "Assigned." })).toBeVisible();
  await row.getByRole("button", { name: "Review plan" }).click();
  const plan = row.getByTestId("plan");
  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  await plan.getByRole("button", { name: "Yes, apply" }).click();
  await expect(row).toHaveAttribute("data-state", "APPLIED", { timeout: 60_000 });
  await shot(operator, "public-cloud-2-applied");

  // Everything the app, the worker, Chromium and the customer's tools asked for was an Azure host proxy mode answers.
  const log = (await control(stack.emulatorUrl, "proxy")) as {
    accepted: Record<string, number>;
    refused: { target: string }[];
  };
  expect(log.refused).toEqual([]);
  expect(Object.keys(log.accepted)).toEqual(
    expect.arrayContaining([
      "login.microsoftonline.com",
      "management.azure.com",
      "kv-adatum-public.vault.azure.net",
    ]),
  );
});
