import "server-only";
import type { Db } from "@/lib/db/create-db";
import { pickEncryptionIdentity, type EncryptionIdentity } from "./encryption-identities";

/**
 * Which resources and customers each encryption identity serves (resources pick their identity by region),
 * so the ISV sees what one identity's failure would reach. One aggregate per region: never the whole table.
 */
export async function getIdentityPoolUsage(db: Db, pool: EncryptionIdentity[]) {
  const byRegion = await db.$queryRaw<{ region: string; resources: bigint; customers: bigint }[]>`
    SELECT region, count(*) AS resources, count(DISTINCT "customerId") AS customers
      FROM "IsvResource" GROUP BY region`;
  const usage = new Map(pool.map((i) => [i.name, { resources: 0, customers: 0, regions: [] as string[] }]));
  for (const row of byRegion) {
    const entry = usage.get(pickEncryptionIdentity(pool, row.region).name)!;
    entry.resources += Number(row.resources);
    // A customer with resources in two regions served by one identity is counted once per region.
    entry.customers += Number(row.customers);
    entry.regions.push(row.region);
  }
  return usage;
}
