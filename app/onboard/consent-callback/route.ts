import { NextResponse, type NextRequest } from "next/server";
import type { JWTPayload } from "jose";
import { getValidCustomerSession } from "@/lib/auth/customer";
import { readSealedCookie } from "@/lib/auth/session";
import type { ForwardBrowser } from "@/lib/onboarding/forward-consent";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { loggerFor } from "@/lib/log";
import { handleConsentCallback } from "@/lib/onboarding/admin-consent";
import { currentClientAddress } from "@/lib/request-context";
import { assertMissBudget, enforceRateLimit, retryAfterOf } from "@/lib/security/rate-limit";
import { rateLimitedResponse } from "@/lib/security/rate-limited-response";

export const dynamic = "force-dynamic";

/** Where Entra's admin consent returns. The outcome is decided in lib/onboarding; this only routes the browser. */
export async function GET(request: NextRequest) {
  const base = getEnv().APP_BASE_URL;
  const requestId = request.headers.get("x-request-id") ?? undefined;
  try {
    const db = getDb();
    const address = await currentClientAddress();
    await assertMissBudget(db, address);
    await enforceRateLimit(db, { step: "consent-callback", address });
    const outcome = await handleConsentCallback(db, {
      query: request.nextUrl.searchParams,
      // A revoked or re-issued invite ends the session: its callback is refused like any stranger's.
      session: await getValidCustomerSession(db),
      // An admin who opened a forwarded consent request (lib/onboarding/forward-consent.ts).
      forward: await readSealedCookie<ForwardBrowser & JWTPayload>("consentForward"),
      address,
      requestId,
    });
    switch (outcome.kind) {
      case "consented":
        return NextResponse.redirect(new URL(`${outcome.page}#key`, base), 303);
      case "not_yet_visible":
        return NextResponse.redirect(new URL(`${outcome.page}?consent=pending`, base), 303);
      case "declined":
        return NextResponse.redirect(new URL(`${outcome.page}?consent=${outcome.reason}`, base), 303);
      case "rejected":
        return NextResponse.redirect(new URL(`/onboard/consent-rejected`, base), 303);
    }
  } catch (error) {
    if (isAppError(error) && error.code === "RATE_LIMITED") {
      loggerFor(requestId).info({ code: error.code }, "consent callback rate limited");
      return rateLimitedResponse(retryAfterOf(error));
    }
    loggerFor(requestId).error({ err: error }, "consent callback failed");
    return NextResponse.redirect(new URL(`/onboard/consent-rejected?reason=error`, base), 303);
  }
}
