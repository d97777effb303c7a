import { NextResponse, type NextRequest } from "next/server";
import { COOKIES } from "@/lib/auth/cookie-names";
import { getDb } from "@/lib/db/client";
import { getCloud, getEnv } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { INVITE_LANDING_HEADER } from "@/lib/onboarding/invite-landing-data";
import { readInviteLanding, signInviteLanding, verifyInviteLanding } from "@/lib/onboarding/open-invite-page";
import { clientAddressOf } from "@/lib/security/client-address";
import { logRequest } from "@/lib/request-log";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The App Router's own pages under /onboard/: everything else there is an invite link's token. */
export const ONBOARD_ROUTES = [
  "consent-callback",
  "consent-rejected",
  "consent-request",
  "evidence",
  "session-ended",
  "signed-in",
];
/** Where the script-free first visit to an invite link is rendered (pages/onboard-landing/[token].tsx). */
export const SCRIPT_FREE_LANDING = "/onboard-landing";

/**
 * The invite token when a request for `/onboard/<token>` is answered by the script-free page: a plain page load
 * by someone without a customer cookie (the invite's first visit, and its error pages). A signed-in customer, a
 * server action and the App Router's own navigations (RSC requests) get the App Router page; so does a stale
 * customer cookie, and that page shows the same landing, with its scripts.
 */
export function scriptFreeInviteToken(request: {
  method: string;
  pathname: string;
  headers: Pick<Headers, "has">;
  hasCustomerCookie: boolean;
}): string | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  if (request.hasCustomerCookie || request.headers.has("rsc") || request.headers.has("next-action"))
    return null;
  const token = /^\/onboard\/([^/]+)$/.exec(request.pathname)?.[1];
  return token && !ONBOARD_ROUTES.includes(token) ? token : null;
}

/**
 * Whether this request is answered by the script-free invite page. For a first visit (`scriptFreeInviteToken`)
 * the invite is read here, because the Pages Router may not import what reads the database, and the request is
 * rewritten to the page with the result in a signed header. Next runs this proxy again for the rewritten path:
 * that pass carries the signed header and goes through; any other request for that path is refused. Anything
 * unexpected while reading (the database away) leaves the request to the App Router page, whose error page
 * says so.
 */
async function scriptFreeLanding(
  request: NextRequest,
  requestId: string,
): Promise<
  | { kind: "none" }
  | { kind: "refuse" }
  | { kind: "pass"; header: string }
  | { kind: "rewrite"; path: string; header: string }
> {
  const pathname = request.nextUrl.pathname;
  if (pathname === SCRIPT_FREE_LANDING || pathname.startsWith(`${SCRIPT_FREE_LANDING}/`)) {
    const header = request.headers.get(INVITE_LANDING_HEADER);
    return header && verifyInviteLanding(pathname, header) ? { kind: "pass", header } : { kind: "refuse" };
  }
  const token = scriptFreeInviteToken({
    method: request.method,
    pathname,
    headers: request.headers,
    hasCustomerCookie: request.cookies.has(COOKIES.customer.name),
  });
  if (!token) return { kind: "none" };
  try {
    const landing = await readInviteLanding(getDb(), {
      token,
      address: clientAddressOf(request.headers),
      isvName: getEnv().ISV_NAME,
    });
    const path = `${SCRIPT_FREE_LANDING}/${token}`;
    return { kind: "rewrite", path, header: signInviteLanding(path, landing) };
  } catch (error) {
    getLogger().warn(
      { requestId, err: error },
      "invite landing could not be read; the App Router page answers",
    );
    return { kind: "none" };
  }
}

/**
 * Security headers and request IDs for every page and route. A fresh CSP nonce per request lets Next's own
 * scripts run while anything injected does not.
 */
export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // MSAL in the customer's browser redeems its code at the identity platform.
    `connect-src 'self' ${getCloud().authorityHost}`,
    "object-src 'none'",
    "base-uri 'self'",
    // Admin consent and sign-in leave the page by plain navigation; form posts stay on this origin.
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");

  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-request-id", requestId);
  // Lets server components send a signed-out visitor back to the page they asked for.
  requestHeaders.set("x-crosskey-path", request.nextUrl.pathname + request.nextUrl.search);
  requestHeaders.set("content-security-policy", csp);
  // Only this proxy says what the script-free invite page shows; a client's copy of the header is dropped.
  requestHeaders.delete(INVITE_LANDING_HEADER);

  const landing = await scriptFreeLanding(request, requestId);
  if (landing.kind !== "pass")
    logRequest({ requestId, method: request.method, path: request.nextUrl.pathname });
  if (landing.kind === "rewrite" || landing.kind === "pass")
    requestHeaders.set(INVITE_LANDING_HEADER, landing.header);
  const response =
    landing.kind === "refuse"
      ? new NextResponse("Not found", {
          status: 404,
          headers: { "content-type": "text/plain; charset=utf-8" },
        })
      : landing.kind === "rewrite"
        ? NextResponse.rewrite(new URL(landing.path, request.url), { request: { headers: requestHeaders } })
        : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-request-id", requestId);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
  response.headers.set("cross-origin-opener-policy", "same-origin");
  if (https) response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
