import { NextResponse, type NextRequest } from "next/server";
import { clearCookie } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

/**
 * POST only: a link or image cannot sign someone out. A post from another site is refused by its Origin
 * (browsers send it on every cross-site POST), so no page elsewhere can end an operator's session.
 */
export async function POST(request: NextRequest) {
  const base = getEnv().APP_BASE_URL;
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(base).origin)
    return new Response("Sign-out must come from Crosskey's own pages.", { status: 403 });
  await clearCookie("operator");
  return NextResponse.redirect(new URL("/", base), { status: 303 });
}
