import "server-only";
import type { Db } from "@/lib/db/create-db";
import { parseSearchTerm } from "@/lib/db/search-term";
import { Prisma } from "@/lib/generated/prisma/client";
import { VERIFIED_KEY } from "@/lib/keys/verified-key";

/** How many matches a customer picker shows: enough to choose from, never the whole table. */
export const PICKER_LIMIT = 10;

export type CustomerChoice = { id: string; name: string };

/** The picker's query, exported so a test can EXPLAIN it. */
export function findCustomersSql(options: { query: string; verifiedKeyOnly: boolean }): Prisma.Sql {
  const term = parseSearchTerm(options.query);
  const match = term?.guid
    ? Prisma.sql`c."id" = ${term.guid}::uuid`
    : term
      ? Prisma.sql`c."nameKey" LIKE ${term.prefix}`
      : Prisma.sql`TRUE`;
  const verified = options.verifiedKeyOnly
    ? Prisma.sql`AND EXISTS (SELECT 1 FROM "CustomerKey" k WHERE k."customerId" = c."id"
                   AND k."status" = ${VERIFIED_KEY.status}::"KeyStatus"
                   AND k."verificationStatus" = ${VERIFIED_KEY.verificationStatus}::"VerificationStatus")`
    : Prisma.empty;
  return Prisma.sql`SELECT c."id", c."name" FROM "Customer" c WHERE ${match} ${verified}
                     ORDER BY c."nameKey" LIMIT ${PICKER_LIMIT}`;
}

/**
 * Customers whose name starts with `query` (or whose id it is), for a picker that searches on the server.
 * `verifiedKeyOnly` keeps those with an active verified key: the ones a resource can be assigned to.
 */
export async function findCustomers(
  db: Db,
  options: { query: string; verifiedKeyOnly: boolean },
): Promise<CustomerChoice[]> {
  return db.$queryRaw<CustomerChoice[]>(findCustomersSql(options));
}

export async function getCustomerName(db: Db, id: string): Promise<string | null> {
  const customer = await db.customer.findUnique({ where: { id }, select: { name: true } });
  return customer?.name ?? null;
}
