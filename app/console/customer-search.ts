"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { ANY_ROLE } from "@/lib/auth/operator";
import { findCustomers } from "@/lib/customers/find-customers";

/** The customer picker's search: at most a handful of names per keystroke, never the whole table. */
export const searchCustomersAction = serverAction({
  name: "searchCustomers",
  access: operator(ANY_ROLE),
  args: (query: string, verifiedKeyOnly: boolean) => ({ query, verifiedKeyOnly }),
  input: z.object({ query: z.string().max(200), verifiedKeyOnly: z.boolean() }),
  run: async ({ input, db }) => ({ ok: true as const, customers: await findCustomers(db, input) }),
});
