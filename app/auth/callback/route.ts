import { NextResponse, type NextRequest } from "next/server";
import { clearCookie, readSealedCookie, writeSealedCookie } from "@/lib/auth/session";
import { completeOperatorSignIn, type PendingSignIn } from "@/lib/auth/operator-sign-in";
import { recordOperatorSignIn } from "@/lib/auth/record-operator-sign-in";
import { getEnv } from "@/lib/env";
import { signInFailureCode } from "@/lib/auth/sign-in-failure";
import { loggerFor } from "@/lib/log";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const pending = await readSealedCookie<PendingSignIn & Record<string, unknown>>("oauth");
  await clearCookie("oauth");
  const base = getEnv().APP_BASE_URL;
  try {
    const session = await completeOperatorSignIn(request.nextUrl.searchParams, pending);
    await recordOperatorSignIn(session, request.headers.get("x-request-id") ?? undefined);
    await writeSealedCookie("operator", { ...session });
    return NextResponse.redirect(
      new URL(session.roles.length ? (pending?.returnTo ?? "/console") : "/forbidden", base),
    );
  } catch (error) {
    loggerFor(request.headers.get("x-request-id")).warn({ err: error }, "operator sign-in failed");
    // A code, never text: the page words it, so nobody can make this site show a sentence of their choosing.
    return NextResponse.redirect(new URL(`/signin-failed?reason=${signInFailureCode(error)}`, base));
  }
}
