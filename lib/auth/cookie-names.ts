import "server-only";

/**
 * The app's sealed cookies by kind (lib/auth/session.ts writes and reads them). A module of its own so the proxy
 * (proxy.ts) can tell a customer's session is there without importing what reads it.
 */
// __Host- cookies: Secure, Path=/, no Domain. Chromium treats http://localhost as secure, so the demo works too.
export const COOKIES = {
  operator: { name: "__Host-crosskey-op", ttl: 8 * 3600 },
  customer: { name: "__Host-crosskey-cu", ttl: 2 * 3600 },
  oauth: { name: "__Host-crosskey-oauth", ttl: 600 },
  customerSignIn: { name: "__Host-crosskey-cu-signin", ttl: 600 },
  /** An admin's browser that started consent from a forwarded request (lib/onboarding/forward-consent.ts). */
  consentForward: { name: "__Host-crosskey-consent-fwd", ttl: 600 },
} as const;

export type CookieKind = keyof typeof COOKIES;
