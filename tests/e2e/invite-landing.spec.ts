import zlib from "node:zlib";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { createInvite, EMULATOR_URL, operatorPage, pickAccount, shot } from "./helpers";

/** Every script the page fetched until the network was idle, gzipped, as `npm run bench:console` measures. */
async function openCountingScripts(page: Page, url: string) {
  const scripts: Promise<Buffer>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.push(response.body());
  });
  const response = await page.goto(url, { waitUntil: "networkidle" });
  const bodies = await Promise.all(scripts);
  return {
    response: response!,
    files: bodies.length,
    gzipBytes: bodies.reduce((sum, body) => sum + zlib.gzipSync(body).length, 0),
  };
}

test("[perf] a first visit to an invite link loads no script; Sign in loads the sign-in page, which signs the customer in (also after Back from Microsoft)", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Adatum Script-Free E2E");
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();

  const landing = await openCountingScripts(page, inviteUrl);
  expect(landing.response.status()).toBe(200);
  expect({ files: landing.files, gzipBytes: landing.gzipBytes }).toEqual({ files: 0, gzipBytes: 0 });
  expect(await landing.response.text()).not.toContain("<script");
  // The same security headers as every other page, and the token kept from other sites.
  const headers = landing.response.headers();
  expect(headers["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-request-id"]).toBeTruthy();
  await expect(page.locator('meta[name="referrer"]')).toHaveAttribute("content", "no-referrer");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page).toHaveTitle("Sign in · Connect your encryption key · Crosskey");
  await expect(page.getByRole("heading", { level: 1, name: "Connect your encryption key" })).toBeVisible();
  await expect(page.getByText("For Adatum Script-Free E2E.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "What will happen" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "What you need" })).toBeVisible();
  await expect(
    page.getByText(
      /This link is personal to your organization and works until \d+ \w+ \d{4}, \d\d:\d\d UTC\./,
    ),
  ).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Sign in" }).first()).toHaveAttribute(
    "aria-current",
    "step",
  );
  // The page's styles arrived (Tailwind): the Sign in link looks like the primary button.
  const signIn = page.getByRole("link", { name: "Sign in with your work account" });
  expect(await signIn.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(31, 95, 214)");
  await shot(page, "invite-landing-script-free");

  // The keyboard path: skip link first, then on to Sign in.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();

  // The sign-in page, caught before the browser reaches Microsoft (the emulator) by holding its requests.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`${EMULATOR_URL}/**`, async (route) => {
    await held;
    await route.continue();
  });
  await signIn.click();
  await expect(page.getByRole("status")).toHaveText("Opening Microsoft sign-in…");
  await expect(page).toHaveTitle("Signing in · Connect your encryption key · Crosskey");
  await expect(page.locator('meta[name="referrer"]')).toHaveAttribute("content", "no-referrer");
  await shot(page, "invite-sign-in-opening");
  release();
  await expect(page.getByText("Pick an account")).toBeVisible();
  // Back from Microsoft's page: the sign-in page does not send the customer there again unasked.
  await page.goBack();
  await expect(page.getByRole("status")).toHaveText(
    "Microsoft's sign-in page was left before you signed in.",
  );
  await expect(page.getByRole("link", { name: "Back to your invite" })).toBeVisible();
  await shot(page, "invite-sign-in-came-back");
  await page.getByRole("button", { name: "Sign in with your work account" }).click();
  await expect(page.getByText("Pick an account")).toBeVisible();
  await pickAccount(page, "admin@adatum.onmicrosoft.com");
  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(new URL(inviteUrl).pathname);
  // Signed in, the same address is the App Router page with the customer's next step.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();
  await expect(page.getByText("Signed in as admin@adatum.onmicrosoft.com")).toBeVisible();
});

test("[perf] the script-free invite page: a stale customer cookie still gets the landing; unknown, revoked and internal addresses do not", async ({
  browser,
}) => {
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Contoso Stale Cookie E2E");
  const { origin, pathname } = new URL(inviteUrl);

  // A customer cookie that no longer opens anything: the App Router page shows the same landing, and Sign in works.
  const stale = await browser.newContext({ ignoreHTTPSErrors: true });
  // Chromium treats http://localhost as secure, as the app does (lib/auth/cookie-names.ts).
  await stale.addCookies([
    {
      name: "__Host-crosskey-cu",
      value: "not-a-session",
      url: origin.replace("http:", "https:"),
      secure: true,
    },
  ]);
  const stalePage = await stale.newPage();
  await stalePage.goto(inviteUrl);
  await expect(stalePage).toHaveTitle("Sign in · Connect your encryption key · Crosskey");
  await stalePage.getByRole("link", { name: "Sign in with your work account" }).click();
  await pickAccount(stalePage, "admin@contoso.onmicrosoft.com");
  await expect(stalePage.getByRole("heading", { name: "Grant admin consent" })).toBeVisible();

  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  // A token that matches no invite: the 404 page, without script, from this address's miss budget.
  const unknown = await openCountingScripts(page, `${origin}/onboard/${"B".repeat(43)}`);
  expect(unknown.response.status()).toBe(404);
  expect(unknown.files).toBe(0);
  await expect(page.getByRole("heading", { level: 1, name: "This page does not exist" })).toBeVisible();
  await shot(page, "invite-landing-not-found");
  // The page behind the rewrite has no address of its own.
  const internal = await page.goto(`${origin}/onboard-landing/${pathname.split("/").pop()}`);
  expect(internal?.status()).toBe(404);
  expect(await internal?.text()).not.toContain("Connect your encryption key");

  // A sign-in page for a token that matches nothing says so, and leads back.
  await page.goto(`${origin}/onboard/${"C".repeat(43)}/sign-in`);
  await expect(page.getByRole("status")).toHaveText(/This invite link is not valid/);
  await expect(page.getByRole("link", { name: "Back to your invite" })).toHaveAttribute(
    "href",
    `/onboard/${"C".repeat(43)}`,
  );
  await shot(page, "invite-sign-in-failed");

  // Revoked: the page says the link no longer works, still without script.
  await operator.getByRole("link", { name: "Open the onboarding" }).click();
  await operator.getByRole("button", { name: "Revoke link" }).click();
  await operator.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(operator.getByRole("status").filter({ hasText: "the link no longer works" })).toBeVisible();
  const revoked = await openCountingScripts(page, inviteUrl);
  expect(revoked.files).toBe(0);
  await expect(
    page.getByRole("heading", { level: 1, name: "This invite link no longer works" }),
  ).toBeVisible();
  await expect(page).toHaveTitle("Invite link not usable · Crosskey");
  await shot(page, "invite-landing-revoked");
});
