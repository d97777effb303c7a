import { getReadiness } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

/**
 * Readiness, public: can this instance serve (database, migrations, the emulator if used)? Status only;
 * operators see why at /api/health/details. A load balancer stops routing here while it answers 503.
 */
export async function GET(request: Request) {
  const { status } = await getReadiness(request.headers.get("x-request-id") ?? undefined);
  return Response.json(
    { status },
    { status: status === "healthy" ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
