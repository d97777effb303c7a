"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ANY_ROLE, currentRequestId, operatorActor, requireOperator } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { createEvidencePack } from "@/lib/evidence/create-evidence-pack";
import { isAppError } from "@/lib/errors";
import { loggerFor } from "@/lib/log";

export type EvidenceActionResult = { ok: true; packId: string } | { ok: false; error: string };

/** Any operator role may prepare a customer's evidence: it reads facts and records that it did. */
export async function generateEvidencePackAction(customerId: string): Promise<EvidenceActionResult> {
  try {
    const session = await requireOperator(ANY_ROLE);
    const id = z.uuid().parse(customerId);
    const pack = await createEvidencePack(getDb(), {
      customerId: id,
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    revalidatePath("/console/onboardings/[id]", "page");
    return { ok: true, packId: pack.id };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    if (error instanceof z.ZodError) return { ok: false, error: "This customer ID is not valid." };
    loggerFor(await currentRequestId()).error({ err: error }, "evidence pack failed");
    return { ok: false, error: "Something went wrong. No pack was made." };
  }
}
