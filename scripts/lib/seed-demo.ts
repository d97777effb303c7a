import fs from "node:fs/promises";
import path from "node:path";
import type { Env } from "../../lib/env.ts";
import { createDb } from "../../lib/db/create-db.ts";
import { createCustomer, createInviteWithOnboarding } from "../../prisma/seed/factories.ts";
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
      invites = [];
      const contoso = await createCustomer(db, {
        name: "Contoso Pharmaceuticals",
        contactEmail: "admin@contoso.onmicrosoft.com",
      });
      const c = await createInviteWithOnboarding(db, {
        customerId: contoso.id,
        pinnedTenant: "contoso.onmicrosoft.com",
      });
      invites.push({
        customer: contoso.name,
        note: "pinned to contoso.onmicrosoft.com; sign in as admin@contoso.onmicrosoft.com",
        token: c.token,
      });

      const woodgrove = await createCustomer(db, { name: "Woodgrove Bank" });
      const w = await createInviteWithOnboarding(db, {
        customerId: woodgrove.id,
        services: ["STORAGE_ACCOUNT", "SQL_SERVER"],
      });
      invites.push({
        customer: woodgrove.name,
        note: "not pinned; try dev@woodgrovebank.onmicrosoft.com to see the non-admin path",
        token: w.token,
      });

      const litware = await createCustomer(db, { name: "Litware" });
      const l = await createInviteWithOnboarding(db, { customerId: litware.id, expiresInDays: -1 });
      invites.push({ customer: litware.name, note: "expired invite", token: l.token });

      const adatum = await createCustomer(db, { name: "Adatum Corporation" });
      const a = await createInviteWithOnboarding(db, { customerId: adatum.id });
      await db.invite.update({
        where: { id: a.invite.id },
        data: { revokedAt: new Date(), revokedBy: "seed" },
      });
      invites.push({ customer: adatum.name, note: "revoked invite", token: a.token });

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
