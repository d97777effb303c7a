import { NextResponse, type NextRequest } from "next/server";
import { getCustomerSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { loggerFor } from "@/lib/log";
import { handleConsentCallback } from "@/lib/onboarding/admin-consent";
import { enforceRateLimit } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Where Entra's admin consent returns. The outcome is decided in lib/onboarding; this only routes the browser. */
export async function GET(request: NextRequest) {
  const base = getEnv().APP_BASE_URL;
  const requestId = request.headers.get("x-request-id") ?? undefined;
  try {
    await enforceRateLimit(getDb(), "consent-callback", 20);
    const outcome = await handleConsentCallback(getDb(), {
      query: request.nextUrl.searchParams,
      session: await getCustomerSession(),
      requestId,
    });
    switch (outcome.kind) {
      case "consented":
        return NextResponse.redirect(new URL(`/onboard/${outcome.inviteToken}#key`, base), 303);
      case "not_yet_visible":
        return NextResponse.redirect(new URL(`/onboard/${outcome.inviteToken}?consent=pending`, base), 303);
      case "declined":
        return NextResponse.redirect(
          new URL(`/onboard/${outcome.inviteToken}?consent=${outcome.reason}`, base),
          303,
        );
      case "rejected":
        return NextResponse.redirect(new URL(`/onboard/consent-rejected`, base), 303);
    }
  } catch (error) {
    loggerFor(requestId).error({ err: error }, "consent callback failed");
    const reason = isAppError(error) && error.code === "RATE_LIMITED" ? "rate_limited" : "error";
    return NextResponse.redirect(new URL(`/onboard/consent-rejected?reason=${reason}`, base), 303);
  }
}
