"use server";

import { z } from "zod";
import { ANY_ROLE, requireOperator } from "@/lib/auth/operator";
import { findCustomers, type CustomerChoice } from "@/lib/customers/find-customers";
import { getDb } from "@/lib/db/client";

const searchSchema = z.object({ query: z.string().max(200), verifiedKeyOnly: z.boolean() });

/** The customer picker's search: at most a handful of names per keystroke, never the whole table. */
export async function searchCustomersAction(
  query: string,
  verifiedKeyOnly: boolean,
): Promise<CustomerChoice[]> {
  await requireOperator(ANY_ROLE);
  const input = searchSchema.parse({ query, verifiedKeyOnly });
  return findCustomers(getDb(), input);
}
