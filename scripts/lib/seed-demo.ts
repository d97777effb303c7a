import fs from "node:fs/promises";
import path from "node:path";
import type { Env } from "../../lib/env.ts";
import { createDb } from "../../lib/db/create-db.ts";
import type { ResourceKind } from "../../lib/generated/prisma/enums.ts";
import { seedCustomerInvite } from "../../prisma/seed/factories.ts";
import { DATA_DIR } from "./database.ts";

interface DemoInvite {
  customer: string;
  note: string;
  token: string;
}

const INVITES_FILE = path.join(DATA_DIR, "demo-invites.json");

/**
 * Seeds the demo world once (customers in different onboarding states) and remembers the invite tokens in
 * .data so the launcher can print working links on every start. Returns the lines to print.
 */
export async function seedDemo(databaseUrl: string, config: Env): Promise<{ lines: string[] }> {
  const db = createDb(databaseUrl, 2);
  try {
    let invites = await readInvites();
    if ((await db.customer.count()) === 0) {
      const seeds = [
        {
          name: "Contoso Pharmaceuticals",
          contactEmail: "admin@contoso.onmicrosoft.com",
          pinnedTenant: "contoso.onmicrosoft.com",
          note: "pinned to contoso.onmicrosoft.com; sign in as admin@contoso.onmicrosoft.com",
        },
        {
          name: "Woodgrove Bank",
          services: ["STORAGE_ACCOUNT", "SQL_SERVER"] as ResourceKind[],
          note: "not pinned; dev@woodgrovebank.onmicrosoft.com shows the non-admin path",
        },
        { name: "Litware", ttlDays: -1, note: "expired invite" },
        { name: "Adatum Corporation", revoked: true, note: "revoked invite" },
      ];
      invites = [];
      for (const seed of seeds) {
        const created = await seedCustomerInvite(db, seed);
        invites.push({ customer: seed.name, note: seed.note, token: created.token });
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

async function readInvites(): Promise<DemoInvite[]> {
  const text = await fs.readFile(INVITES_FILE, "utf8").catch(() => "[]");
  return JSON.parse(text) as DemoInvite[];
}
