"use server";

import { currentRequestId } from "@/lib/auth/operator";
import { getCustomerSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { createEvidencePack, getSessionCustomerId } from "@/lib/evidence/create-evidence-pack";
import { isAppError } from "@/lib/errors";
import { loggerFor } from "@/lib/log";

export type CustomerEvidenceResult = { ok: true; packId: string } | { ok: false; error: string };

/** The signed-in customer admin prepares their own company's evidence pack (never another's). */
export async function generateMyEvidencePackAction(): Promise<CustomerEvidenceResult> {
  try {
    const session = await getCustomerSession();
    if (!session)
      return { ok: false, error: "Your session has ended. Open your invite link and sign in again." };
    const db = getDb();
    const pack = await createEvidencePack(db, {
      customerId: await getSessionCustomerId(db, session),
      actor: { type: "CUSTOMER", id: session.upn },
      requestId: await currentRequestId(),
    });
    return { ok: true, packId: pack.id };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    loggerFor(await currentRequestId()).error({ err: error }, "customer evidence pack failed");
    return { ok: false, error: "Something went wrong on our side. Try again in a moment." };
  }
}
