import pg from "pg";
import { expect, test } from "./fixtures";
import { createInvite, operatorPage, shot, stackInfo } from "./helpers";

/** Moves an onboarding's invite past its expiry, as time would. */
async function expire(onboardingId: string) {
  const client = new pg.Client({ connectionString: stackInfo().ownerDatabaseUrl });
  await client.connect();
  try {
    await client.query(
      `UPDATE "Invite" SET "expiresAt" = now() - interval '1 day'
       WHERE id = (SELECT "inviteId" FROM "TenantOnboarding" WHERE id = $1::uuid)`,
      [onboardingId],
    );
  } finally {
    await client.end();
  }
}

test("[console] an invite's link card offers what works: Revoke on a live link (saying what it declines), only a new link once it expired", async ({
  browser,
}) => {
  const page = await operatorPage(browser);
  await createInvite(page, "Fourth Coffee Link E2E");
  await page.getByRole("link", { name: "Open the onboarding" }).click();
  await expect(page.getByTestId("invite-status")).toHaveText("Active");
  await page.getByRole("button", { name: "Revoke link" }).click();
  await expect(
    page.getByText(/a replacement key they handed over that waits for approval is declined/),
  ).toBeVisible();
  await shot(page, "invite-link-1-revoke-confirm");
  await page.getByRole("button", { name: "Keep it" }).click();

  const onboardingId = new URL(page.url()).pathname.split("/").at(-1)!;
  await expire(onboardingId);
  await page.reload();
  await expect(page.getByTestId("invite-status")).toHaveText("Expired");
  await expect(page.getByRole("button", { name: "Revoke link" })).toHaveCount(0);
  await expect(page.getByTestId("invite-expired-note")).toHaveText(/expired and no longer works/);
  await expect(page.getByRole("button", { name: "Issue new link" })).toBeVisible();
  await shot(page, "invite-link-2-expired");

  await page.getByRole("button", { name: "Issue new link" }).click();
  await expect(page.getByTestId("reissued-url")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("invite-status")).toHaveText("Active");
  await expect(page.getByRole("button", { name: "Revoke link" })).toBeVisible();
});
