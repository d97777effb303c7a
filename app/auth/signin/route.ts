import { NextResponse, type NextRequest } from "next/server";
import { startOperatorSignIn } from "@/lib/auth/operator-sign-in";
import { writeSealedCookie } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Starts operator sign-in: PKCE + state + nonce kept in a sealed, short-lived cookie, then off to Entra. */
export async function GET(request: NextRequest) {
  const { url, pending } = await startOperatorSignIn(
    request.nextUrl.searchParams.get("returnTo") ?? "/console",
  );
  await writeSealedCookie("oauth", { ...pending });
  return NextResponse.redirect(url, { headers: { "cache-control": "no-store" } });
}
