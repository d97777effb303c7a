import { z } from "zod";
import { ANY_ROLE, requireOperator } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEvidencePack } from "@/lib/evidence/create-evidence-pack";
import { evidenceFileResponse, evidenceFileSchema } from "@/lib/evidence/evidence-response";
import { isAppError } from "@/lib/errors";

/** GET /console/evidence/{packId}/{evidence.pdf|evidence.json|evidence.json.jws}: a stored pack, for operators. */
export async function GET(_request: Request, props: { params: Promise<{ packId: string; file: string }> }) {
  const params = z.object({ packId: z.uuid(), file: evidenceFileSchema }).safeParse(await props.params);
  if (!params.success) return new Response("Not found", { status: 404 });
  try {
    await requireOperator(ANY_ROLE);
    return await evidenceFileResponse(
      await getEvidencePack(getDb(), { packId: params.data.packId }),
      params.data.file,
    );
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.status });
    throw error;
  }
}
