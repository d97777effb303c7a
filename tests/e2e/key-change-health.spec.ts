import crypto from "node:crypto";
import pg from "pg";
import { expect, test } from "./fixtures";
import { operatorPage, shot, stackInfo } from "./helpers";

const CUSTOMER = "Tailspin Key Change E2E";

/**
 * A customer in the middle of a key change, as the database holds it: the replacement is the active key, the old
 * one is SUPERSEDED while one resource still uses it. No consent in the
 * emulator, so the monitor leaves these rows as they are.
 */
async function seedKeyChange() {
  const [customer, invite, onboarding, tenant, oldKey, newKey, resource] = Array.from({ length: 7 }, () =>
    crypto.randomUUID(),
  ) as [string, string, string, string, string, string, string];
  const client = new pg.Client({ connectionString: stackInfo().ownerDatabaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "Customer" ("id","name","nameKey","createdBy","updatedAt") VALUES ($1, $2::text, lower($2::text), 'e2e', now())`,
      [customer, CUSTOMER],
    );
    await client.query(
      `INSERT INTO "Invite" ("id","customerId","tokenHash","services","expiresAt","createdBy")
       VALUES ($1, $2, encode(sha256($3::text::bytea), 'hex'), ARRAY['STORAGE_ACCOUNT']::"ResourceKind"[], now() + interval '7 days', 'e2e')`,
      [invite, customer, `e2e-${invite}`],
    );
    await client.query(
      `INSERT INTO "TenantOnboarding" ("id","customerId","inviteId","state","tenantId","updatedAt")
       VALUES ($1, $2, $3, 'APPLIED', $4, now())`,
      [onboarding, customer, invite, tenant],
    );
    const key = (keyId: string, vault: string, status: string, health: string) =>
      client.query(
        `INSERT INTO "CustomerKey" ("id","customerId","onboardingId","tenantId","keyUri","vaultHost","vaultKind","keyName",
           "status","verificationStatus","lastVerifiedAt","health","healthCheckedAt","submittedBy","updatedAt")
         VALUES ($1, $2, $3, $4, 'https://' || $5::text || '.vault.azure.net/keys/cmk', $5::text || '.vault.azure.net', 'VAULT', 'cmk',
           $6::"KeyStatus", 'VERIFIED', now(), $7::"KeyHealth", now(), 'admin@tailspin.example', now())`,
        [keyId, customer, onboarding, tenant, vault, status, health],
      );
    await key(oldKey, "kv-tailspin-old", "SUPERSEDED", "HEALTHY");
    await key(newKey, "kv-tailspin-new", "ACTIVE", "HEALTHY");
    const armId = `/subscriptions/00000000-0000-4000-8000-00000000e2e0/resourceGroups/rg-tailspin/providers/Microsoft.Storage/storageAccounts/sttailspinchange`;
    await client.query(
      `INSERT INTO "IsvResource" ("id","armIdKey","armId","kind","name","subscriptionId","resourceGroup","region",
         "customerId","cmkState","appliedKeyId","updatedAt")
       VALUES ($1, lower($2::text), $2::text, 'STORAGE_ACCOUNT', 'sttailspinchange', '00000000-0000-4000-8000-00000000e2e0',
         'rg-tailspin', 'westeurope', $3, 'APPLIED', $4, now())`,
      [resource, armId, customer, oldKey],
    );
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
  return { oldKey };
}

test("[health] during a key change the Key health page lists the old key too, marked replaced, until its last resource moves", async ({
  browser,
}) => {
  const { oldKey } = await seedKeyChange();
  const page = await operatorPage(browser);
  await page.goto(`/console/health?q=${encodeURIComponent("Tailspin Key Change")}`);
  const rows = page.getByRole("row").filter({ hasText: CUSTOMER });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "kv-tailspin-old/cmk" })).toContainText(
    "replaced; watched until its last resource moves",
  );
  await expect(rows.filter({ hasText: "kv-tailspin-new/cmk" })).not.toContainText("replaced");
  await shot(page, "key-change-health-1-list");

  await page.goto(`/console/health/${oldKey}`);
  await expect(page.getByTestId("key-replaced")).toHaveText(
    /The customer replaced this key; 1 resource\(s\) still use it, so it is watched until the last one has moved/,
  );
  await shot(page, "key-change-health-2-old-key");
});
