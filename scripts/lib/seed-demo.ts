import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import type { Env } from "../../lib/env.ts";
import { createDb } from "../../lib/db/create-db.ts";
import type { ResourceKind } from "../../lib/generated/prisma/enums.ts";
import { startBoss } from "../../lib/jobs/boss.ts";
import { sendKeyVerification } from "../../lib/jobs/queues.ts";
import { seedCustomerInvite, seedOnboardedCustomer } from "../../prisma/seed/factories.ts";
import { DATA_DIR, PROJECT_ROOT } from "./database.ts";

interface DemoInvite {
  customer: string;
  note: string;
  token: string;
}

const INVITES_FILE = path.join(DATA_DIR, "demo-invites.json");

/**
 * Seeds the demo world once: customers in different onboarding states, one of them (Woodgrove Bank) with a
 * key set up in the emulator through its real APIs and sent to the worker for verification. Invite tokens
 * are remembered in .data so the launcher prints working links on every start. Returns the lines to print.
 */
export async function seedDemo(
  databaseUrl: string,
  config: Env,
  env: NodeJS.ProcessEnv,
): Promise<{ lines: string[] }> {
  const db = createDb(databaseUrl, 2);
  try {
    let invites = await readInvites();
    if ((await db.customer.count()) === 0) {
      const seeds = [
        {
          name: "Contoso Pharmaceuticals",
          contactEmail: "admin@contoso.onmicrosoft.com",
          pinnedTenant: "contoso.onmicrosoft.com",
          note: "pinned to contoso.onmicrosoft.com; sign in as admin@contoso.onmicrosoft.com (dev@… shows the non-admin path)",
        },
        { name: "Litware", ttlDays: -1, note: "expired invite" },
        { name: "Adatum Corporation", revoked: true, note: "revoked invite" },
      ];
      invites = [];
      for (const seed of seeds) {
        const created = await seedCustomerInvite(db, {
          ...seed,
          services: [
            "STORAGE_ACCOUNT",
            "COSMOS_DB_ACCOUNT",
            "DISK_ENCRYPTION_SET",
            "SQL_SERVER",
          ] as ResourceKind[],
        });
        invites.push({ customer: seed.name, note: seed.note, token: created.token });
      }
      if (config.AZURE_CLOUD === "emulator" && env.NODE_EXTRA_CA_CERTS) {
        const woodgrove = await seedWoodgrove(db, config, env);
        invites.push({
          customer: "Woodgrove Bank",
          note: "consented, key handed over (verified by the worker); assign resources to it",
          token: woodgrove,
        });
      }
      // The ISV's operations mailbox hears about key health; in the demo its mail lands in the local sink.
      if (env.SMTP_URL) {
        await db.notificationChannel.create({
          data: {
            kind: "EMAIL",
            name: "Fabrikam operations",
            target: "cloud-ops@fabrikamcloud.example",
            createdBy: "demo seed",
          },
        });
      }
      await fs.mkdir(DATA_DIR, { recursive: true });
      await fs.writeFile(INVITES_FILE, JSON.stringify(invites, null, 2), { mode: 0o600 });
    }
    const lines = ["", "Demo invite links (open one in a private window to act as the customer):"];
    for (const invite of invites) {
      lines.push(
        `  ${invite.customer.padEnd(24)} ${new URL(`/onboard/${invite.token}`, config.APP_BASE_URL)}`,
        `  ${"".padEnd(24)} ${invite.note}`,
      );
    }
    return { lines: invites.length ? lines : [] };
  } finally {
    await db.$disconnect();
  }
}

/** Woodgrove's admin runs the generated script against the emulator (in a child that trusts its CA). */
async function seedWoodgrove(
  db: ReturnType<typeof createDb>,
  config: Env,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const out = execFileSync(
    path.join(PROJECT_ROOT, "node_modules/.bin/tsx"),
    [
      "scripts/emulated-customer-cli.ts",
      "consent-and-key",
      config.EMULATOR_URL,
      "woodgrove",
      "kv-woodgrove-cmk",
      "fabrikam-cmk",
    ],
    {
      cwd: PROJECT_ROOT,
      env,
      encoding: "utf8",
    },
  );
  const { spObjectId, tenantId } = JSON.parse(out.trim().split("\n").at(-1)!) as {
    spObjectId: string;
    tenantId: string;
  };
  const seeded = await seedOnboardedCustomer(db, {
    name: "Woodgrove Bank",
    tenantId,
    adminUpn: "admin@woodgrovebank.onmicrosoft.com",
    spObjectId,
    keyUri: "https://kv-woodgrove-cmk.vault.azure.net/keys/fabrikam-cmk",
    vaultHost: "kv-woodgrove-cmk.vault.azure.net",
    keyName: "fabrikam-cmk",
  });
  const boss = await startBoss(env.DATABASE_URL ?? config.DATABASE_URL, "producer");
  await sendKeyVerification(boss, { keyId: seeded.key.id, attempt: 0 }, 0);
  await boss.stop({ graceful: false });
  return seeded.token;
}

async function readInvites(): Promise<DemoInvite[]> {
  const text = await fs.readFile(INVITES_FILE, "utf8").catch(() => "[]");
  return JSON.parse(text) as DemoInvite[];
}
