import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, expect, test, type Page } from "@playwright/test";
import { findBrowser } from "../../scripts/lib/browser";
import { runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { createInvite, EMULATOR_URL, pickAccount } from "../e2e/helpers";

// Installed by `npm run a11y:lighthouse` (lighthouse@12.2.3, the last major that runs on Node 22 and 24).
const LIGHTHOUSE = path.resolve(".cache/lighthouse/node_modules/lighthouse/core/index.js");
const DEBUG_PORT = 9400 + Number(process.env.TEST_PORT_OFFSET ?? 0);
const REPORT = "artifacts/lighthouse-accessibility.json";

type Lighthouse = (
  url: string,
  flags: Record<string, unknown>,
) => Promise<{
  lhr: {
    categories: { accessibility: { score: number | null } };
    audits: Record<string, { score: number | null; title: string }>;
  };
}>;

test("[lighthouse] accessibility of the customer pages and the console", async () => {
  const { default: lighthouse } = (await import(LIGHTHOUSE)) as { default: Lighthouse };
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-lighthouse-"));
  // One browser shared with Lighthouse: its tabs open in this persistent context and keep its cookies.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findBrowser()?.executablePath,
    args: ["--no-sandbox", "--disable-gpu", `--remote-debugging-port=${DEBUG_PORT}`],
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 720 },
  });
  const scores: { page: string; url: string; score: number; failing: string[] }[] = [];
  async function audit(name: string, url: string) {
    const { lhr } = await lighthouse(url, {
      port: DEBUG_PORT,
      onlyCategories: ["accessibility"],
      disableStorageReset: true,
      formFactor: "desktop",
      screenEmulation: { disabled: true },
      logLevel: "error",
    });
    const failing = Object.entries(lhr.audits)
      .filter(([, a]) => a.score !== null && a.score < 1)
      .map(([id, a]) => `${id}: ${a.title}`);
    scores.push({
      page: name,
      url,
      score: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
      failing,
    });
  }

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const baseUrl = process.env.E2E_APP_URL!;
    await audit("landing", `${baseUrl}/`);
    await page.goto(`${baseUrl}/console`);
    await pickAccount(page, "ops-admin@fabrikamcloud.onmicrosoft.com");
    await audit("console: onboardings", `${baseUrl}/console`);
    await audit("console: invite a customer", `${baseUrl}/console/invites/new`);
    await audit("console: resources", `${baseUrl}/console/resources`);
    const inviteUrl = await createInvite(page, "Adatum Lighthouse");
    await page.getByRole("link", { name: "Open the onboarding" }).click();
    await audit("console: onboarding detail", page.url());

    const upn = "admin@adatum.onmicrosoft.com";
    await audit("customer: invite landing", inviteUrl);
    await customerSignsIn(page, inviteUrl, upn);
    await audit("customer: grant consent", inviteUrl);
    await page.getByRole("button", { name: "Grant admin consent" }).click();
    await pickAccount(page, upn);
    await page.getByRole("button", { name: "Accept" }).click();
    await expect(page.getByTestId("customer-script")).toBeVisible();
    await audit("customer: create your key", inviteUrl);
    const script = (await page.getByTestId("customer-script").textContent()) ?? "";
    const { versionlessUri } = await runCustomerScript({
      emulatorUrl: EMULATOR_URL,
      tenant: TENANTS.adatum,
      adminUpn: upn,
      spObjectId: /APP_SP_ID='([0-9a-f-]{36})'/.exec(script)?.[1] ?? "",
      vaultName: "kv-adatum-lighthouse",
      keyName: "fabrikam-cmk",
    });
    await page.goto(inviteUrl);
    await page.getByLabel("Key identifier (URI)").fill(versionlessUri);
    await page.getByRole("button", { name: "Submit and verify" }).click();
    await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();
    await audit("customer: key verified", inviteUrl);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }

  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, JSON.stringify(scores, null, 2));
  for (const s of scores) console.log(`${String(s.score).padStart(3)}  ${s.page}  ${s.failing.join("; ")}`);
  expect(scores.filter((s) => s.score < 100)).toEqual([]);
});

async function customerSignsIn(page: Page, inviteUrl: string, upn: string) {
  await page.goto(inviteUrl);
  await page.getByRole("link", { name: "Sign in with your work account" }).click();
  await pickAccount(page, upn);
  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
}
