import fs from "node:fs";
import type { Page } from "@playwright/test";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { control, runCustomerScript, TENANTS } from "../../scripts/lib/emulated-customer";
import { expect, test } from "./fixtures";
import { createInvite, customerThroughConsent, EMULATOR_URL, operatorPage, shot } from "./helpers";

const CMK_APP = "22222222-2222-4222-8222-222222222222";

/** The demo world with the CMK app's federated credential removed: Phase 1 is broken. */
function worldWithoutCredential() {
  const world = JSON.parse(fs.readFileSync("emulator/world/demo.json", "utf8")) as {
    applications: { appId: string; federatedIdentityCredentials: unknown[] }[];
  };
  world.applications.find((a) => a.appId === CMK_APP)!.federatedIdentityCredentials = [];
  return world;
}

async function checkNow(page: Page) {
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Checked:/ })).toBeVisible({ timeout: 30_000 });
  await page.reload();
}

test("[identity] an admin sees a missing federated credential, previews the repair, applies it, and the check passes", async ({
  browser,
}) => {
  const admin = await operatorPage(browser);
  await control(EMULATOR_URL, "world", worldWithoutCredential(), "PUT");
  await admin.goto("/console/setup");
  await checkNow(admin);
  const finding = admin.locator('[data-finding="credentials.crosskey-cmk"]');
  await expect(finding).toHaveAttribute("data-status", "error");
  await expect(finding.getByText("No credential trusts crosskey-cmk")).toBeVisible();
  await expect(finding.getByText(/az ad app federated-credential create --id 22222222/)).toBeVisible();
  await expect(admin.getByRole("meter", { name: "Federated credentials used" })).toHaveAttribute(
    "aria-valuenow",
    "0",
  );
  await finding.getByText("Preview the repair Crosskey would make").click();
  await expect(finding.getByText(/^POST https:\/\/localhost:\d+\/graph\/v1\.0\/applications/)).toBeVisible();
  await shot(admin, "identity-1-fault-and-preview");

  await finding.getByRole("button", { name: "Create this credential" }).click();
  await expect(admin).toHaveURL(/\/console\/setup\?repaired=crosskey-cmk$/);
  await expect(
    admin.getByRole("status").filter({ hasText: "Repaired the federated credential of crosskey-cmk" }),
  ).toBeVisible();
  await expect(admin.locator('[data-finding="credentials.crosskey-cmk"]')).toHaveAttribute(
    "data-status",
    "ok",
  );
  await expect(admin.getByRole("meter", { name: "Federated credentials used" })).toHaveAttribute(
    "aria-valuenow",
    "1",
  );
  await shot(admin, "identity-2-repaired");
});

test("[audit] an operator filters the audit log across customers and exports it as CSV", async ({
  browser,
}) => {
  const operator = await operatorPage(browser, "operator@fabrikamcloud.onmicrosoft.com");
  await createInvite(operator, "Audit Browser E2E");
  await operator.goto("/console/audit");
  await expect(operator.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await operator.getByLabel("Action (or its start)").fill("isv_identity.credential");
  await operator.getByRole("button", { name: "Filter" }).click();
  await expect(operator).toHaveURL(/action=isv_identity\.credential/);
  const rows = operator.locator("tr[data-action]");
  await expect(rows.first()).toHaveAttribute("data-action", "isv_identity.credential_created");
  await expect(operator.locator('tr[data-action="invite.created"]')).toHaveCount(0);
  await shot(operator, "audit-1-filtered");

  const [download] = await Promise.all([
    operator.waitForEvent("download"),
    operator.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toMatch(/^id,occurredAt,customerId,onboardingId,actorType,actorId/);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes("isv_identity.credential"))).toBe(true);

  await operator.goto("/console/audit");
  await operator.getByLabel("Action (or its start)").fill("invite.created");
  await operator.getByRole("button", { name: "Filter" }).click();
  const invite = operator.locator('tr[data-action="invite.created"]').first();
  await invite.getByRole("link", { name: "Audit Browser E2E" }).click();
  await expect(operator).toHaveURL(/customer=[0-9a-f-]{36}/);
  await expect(operator.locator("tr[data-action]")).toHaveCount(1);
  await shot(operator, "audit-2-one-customer");
});

test("[evidence] a customer downloads their evidence pack; the JSON verifies with the published key", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const operator = await operatorPage(browser);
  const inviteUrl = await createInvite(operator, "Adatum Evidence E2E");
  const customer = await customerThroughConsent(browser, inviteUrl, "admin@adatum.onmicrosoft.com");
  const { versionlessUri } = await runCustomerScript({
    emulatorUrl: EMULATOR_URL,
    tenant: TENANTS.adatum,
    adminUpn: "admin@adatum.onmicrosoft.com",
    spObjectId: customer.spObjectId,
    vaultName: "kv-adatum-e2e",
    keyName: "fabrikam-cmk",
  });
  const page = customer.page;
  await page.getByLabel("Key identifier (URI)").fill(versionlessUri);
  await page.getByRole("button", { name: "Submit and verify" }).click();
  await expect(page.getByRole("heading", { name: "Your key is verified" })).toBeVisible();

  await page.getByRole("button", { name: "Prepare evidence pack" }).click();
  await expect(page.getByRole("link", { name: "PDF" })).toBeVisible({ timeout: 30_000 });
  await shot(page, "evidence-1-customer-ready");

  const [pdf] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "PDF" }).click(),
  ]);
  expect(pdf.suggestedFilename()).toMatch(/^crosskey-evidence-adatum-evidence-e2e-\d{4}-\d{2}-\d{2}\.pdf$/);
  expect(
    fs
      .readFileSync((await pdf.path())!)
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");
  await pdf.saveAs("artifacts/screenshots/evidence-pack.pdf");

  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "JSON" }).click(),
  ]);
  const pack = JSON.parse(fs.readFileSync((await json.path())!, "utf8")) as {
    customer: { name: string };
    consent: { consentedBy: string; servicePrincipalObjectId: string }[];
    keys: { keyUri: string }[];
  };
  expect(pack.customer.name).toBe("Adatum Evidence E2E");
  expect(pack.consent[0]).toMatchObject({
    consentedBy: "admin@adatum.onmicrosoft.com",
    servicePrincipalObjectId: customer.spObjectId,
  });
  expect(pack.keys[0]?.keyUri).toBe(versionlessUri);

  const [jws] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Signature (JWS)" }).click(),
  ]);
  const jwks = (await (await page.request.get("/.well-known/jwks.json")).json()) as JSONWebKeySet;
  expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
  // Detached JWS: the downloaded JSON bytes go between the dots; one changed byte must fail.
  const [header, , signature] = fs.readFileSync((await jws.path())!, "utf8").split(".");
  const bytes = fs.readFileSync((await json.path())!);
  const attach = (b: Buffer) => `${header}.${b.toString("base64url")}.${signature}`;
  await compactVerify(attach(bytes), createLocalJWKSet(jwks));
  const altered = Buffer.from(bytes);
  altered[10] = altered[10]! ^ 1;
  await expect(compactVerify(attach(altered), createLocalJWKSet(jwks))).rejects.toThrow();

  // The operator sees the customer's pack in the console, with the same three files.
  await operator.goto("/console");
  await operator.getByRole("link", { name: "Adatum Evidence E2E" }).click();
  await expect(operator.getByText("by admin@adatum.onmicrosoft.com")).toBeVisible();
  await shot(operator, "evidence-2-console");
});
