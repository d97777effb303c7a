import { expect, test } from "./fixtures";
import { operatorPage, shot } from "./helpers";

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

test("[shell] public health says only whether the app is ready; liveness checks nothing", async ({
  request,
}) => {
  const response = await request.get("/api/health");
  expect(await response.json()).toEqual({ status: "healthy" });
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  const live = await request.get("/api/health/live");
  expect(await live.json()).toEqual({ status: "alive" });
});

test("[shell] health details are for operators only: checks, live workers, queue backlogs", async ({
  request,
  browser,
}) => {
  const anonymous = await request.get("/api/health/details");
  expect(anonymous.status()).toBe(401);
  expect(((await anonymous.json()) as { error: string }).error).toBe("UNAUTHENTICATED");

  const operator = await operatorPage(browser);
  const response = await operator.request.get("/api/health/details");
  expect(response.status()).toBe(200);
  const details = (await response.json()) as {
    checks: { name: string; ok: boolean; detail: string }[];
    warnings: { name: string }[];
    workers: { host: string; pid: number; connections: number }[];
    queues: { name: string }[];
  };
  expect(details.checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
    ["database", true, "reachable"],
    ["migrations", true, "current"],
    ["emulator", true, "reachable"],
  ]);
  // The app runs as crosskey_app, not the schema's owner: the audit log is append-only for it.
  expect(details.warnings).toEqual([]);
  expect(details.workers.length).toBeGreaterThanOrEqual(1);
  expect(details.workers[0]!.connections).toBeGreaterThan(0);
  expect(details.queues.map((q) => q.name).sort()).toEqual([
    "apply-cmk",
    "check-isv-identity",
    "deliver-notification",
    "fleet-run",
    "key-health-check",
    "key-health-sweep",
    "verify-key",
  ]);
  await operator.context().close();
});

test("[shell] unknown pages get a helpful 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
});
