import { ANY_ROLE, requireOperator } from "@/lib/auth/operator";
import { isAppError } from "@/lib/errors";
import { getHealthDetails } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

/** The operator view of health: each check, the live worker processes and every queue's backlog. */
export async function GET(request: Request) {
  const requestId = request.headers.get("x-request-id") ?? undefined;
  try {
    await requireOperator(ANY_ROLE);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return Response.json(
      { error: error.code, message: error.message },
      { status: error.status, headers: { "cache-control": "no-store" } },
    );
  }
  const details = await getHealthDetails(requestId);
  return Response.json(details, {
    status: details.status === "healthy" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
