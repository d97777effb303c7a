import { z } from "zod";
import { getValidCustomerSession } from "@/lib/auth/customer";
import { getDb } from "@/lib/db/client";
import { getEvidencePack, getSessionCustomerId } from "@/lib/evidence/create-evidence-pack";
import { evidenceFileResponse, evidenceFileSchema } from "@/lib/evidence/evidence-response";
import { isAppError } from "@/lib/errors";

/** GET /onboard/evidence/{packId}/{file}: a customer's own pack, for the signed-in customer admin only. */
export async function GET(_request: Request, props: { params: Promise<{ packId: string; file: string }> }) {
  const params = z.object({ packId: z.uuid(), file: evidenceFileSchema }).safeParse(await props.params);
  if (!params.success) return new Response("Not found", { status: 404 });
  const db = getDb();
  // A revoked or re-issued invite ends the session here too.
  const session = await getValidCustomerSession(db);
  if (!session)
    return new Response("Your session has ended. Open your invite link and sign in again.", { status: 401 });
  try {
    const customerId = await getSessionCustomerId(db, session);
    return await evidenceFileResponse(
      await getEvidencePack(db, { packId: params.data.packId, customerId }),
      params.data.file,
    );
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.status });
    throw error;
  }
}
