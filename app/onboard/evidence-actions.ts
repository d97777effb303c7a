"use server";

import { z } from "zod";
import { customer, serverAction } from "@/lib/actions/server-action";
import { createEvidencePack, getSessionCustomerId } from "@/lib/evidence/create-evidence-pack";

export type CustomerEvidenceResult = { ok: true; packId: string } | { ok: false; error: string };

/** The signed-in customer admin prepares their own company's evidence pack (never another's). */
export const generateMyEvidencePackAction = serverAction({
  name: "generateMyEvidencePack",
  access: customer("evidence"),
  args: () => ({}),
  input: z.object({}),
  run: async ({ session, actor, requestId, db }) => {
    const pack = await createEvidencePack(db, {
      customerId: await getSessionCustomerId(db, session),
      actor,
      requestId,
    });
    return { ok: true as const, packId: pack.id };
  },
});
