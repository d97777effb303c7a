export const dynamic = "force-dynamic";

/**
 * Liveness, public: the process answers. It checks nothing else on purpose: a database outage must make
 * instances unready (/api/health), not get them restarted by the platform.
 */
export function GET() {
  return Response.json({ status: "alive" }, { headers: { "cache-control": "no-store" } });
}
