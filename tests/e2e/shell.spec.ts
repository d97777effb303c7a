import { expect, test } from "./fixtures";
import { shot } from "./helpers";

test("[shell] landing page explains the product and links to the console", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Your customers hold the keys");
  await expect(page.getByRole("heading", { name: "How it works" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Your customer authorizes" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open the operator console" })).toHaveAttribute(
    "href",
    "/console",
  );
  await shot(page, "landing");
});

test("[shell] security headers are on every page", async ({ request }) => {
  const response = await request.get("/");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
  expect(headers["content-security-policy"]).toMatch(
    /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
  );
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers["x-powered-by"]).toBeUndefined();
});

test("[shell] health reports the database, its migrations and the emulator", async ({ request }) => {
  const response = await request.get("/api/health");
  const body = (await response.json()) as { status: string; checks: { name: string; ok: boolean }[] };
  expect(body.checks.map((c) => c.name)).toEqual(["database", "migrations", "emulator"]);
  expect(body.checks.map((c) => c.ok)).toEqual([true, true, true]);
  expect(body.status).toBe("healthy");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
});

test("[shell] unknown pages get a helpful 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
});
