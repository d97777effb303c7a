"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { ANY_ROLE } from "@/lib/auth/operator";
import { createEvidencePack } from "@/lib/evidence/create-evidence-pack";

export type EvidenceActionResult = { ok: true; packId: string } | { ok: false; error: string };

/** Any operator role may prepare a customer's evidence: it reads facts and records that it did. */
export const generateEvidencePackAction = serverAction({
  name: "generateEvidencePack",
  access: operator(ANY_ROLE),
  args: (customerId: string) => ({ customerId }),
  input: z.object({ customerId: z.uuid("This customer ID is not valid.") }),
  run: async ({ input, actor, requestId, db }) => {
    const pack = await createEvidencePack(db, { customerId: input.customerId, actor, requestId });
    return { ok: true as const, packId: pack.id };
  },
  revalidate: [["/console/onboardings/[id]", "page"]],
});
