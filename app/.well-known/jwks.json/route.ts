import { getEvidenceJwks } from "@/lib/evidence/sign-evidence";

/** GET /.well-known/jwks.json: the public key that verifies evidence packs' detached JWS signatures. */
export async function GET() {
  return Response.json(await getEvidenceJwks(), {
    headers: { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" },
  });
}
