import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

/** A key the customer still offers (ACTIVE) and that verification proved usable (VERIFIED). */
export const VERIFIED_KEY = {
  status: "ACTIVE",
  verificationStatus: "VERIFIED",
} as const satisfies Prisma.CustomerKeyWhereInput;

/** The customer's active, verified key (the newest, should there be more than one), or null. */
export function findVerifiedKey(db: Tx, customerId: string) {
  return db.customerKey.findFirst({
    where: { customerId, ...VERIFIED_KEY },
    orderBy: { createdAt: "desc" },
  });
}

/** The customer's active, verified key; a CONFLICT naming what is missing when there is none. */
export async function getVerifiedKey(
  db: Tx,
  customerId: string,
  message = "This customer has no verified key yet.",
) {
  const key = await findVerifiedKey(db, customerId);
  if (!key) throw new AppError("CONFLICT", message);
  return key;
}
