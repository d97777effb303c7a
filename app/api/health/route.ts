import { getHealth } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === "healthy" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
