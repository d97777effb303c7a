import "server-only";
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";

/** The request ID the proxy gave this request (proxy.ts), repeated in every log line and audit event. */
export async function currentRequestId(): Promise<string | undefined> {
  return (await headers()).get("x-request-id") ?? undefined;
}

/** The client's address as the trusted proxy chain reports it; see `clientAddressFrom`. */
export async function currentClientAddress(): Promise<string> {
  const env = getEnv();
  return clientAddressFrom(await headers(), {
    trustedHops: env.TRUSTED_PROXY_HOPS ?? 0,
    header: env.CLIENT_IP_HEADER,
  });
}

/**
 * Every proxy appends the address it received the request from to X-Forwarded-For, so only the entries
 * the trusted proxies appended can be believed: the client writes whatever it likes to the left of them.
 * With `trustedHops` proxies in front, the client is the entry `trustedHops` places from the right. Next.js
 * itself fills X-Forwarded-For with the socket's address when the header is absent (0 hops: the last entry).
 * A platform header (`CLIENT_IP_HEADER`, set by the platform and overwritten on every request) wins.
 */
export function clientAddressFrom(
  h: Pick<Headers, "get">,
  config: { trustedHops: number; header?: string },
): string {
  if (config.header) {
    const value = h.get(config.header)?.trim();
    return value ? normalize(value) : "unknown";
  }
  const chain = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return "unknown";
  const index = Math.max(chain.length - Math.max(config.trustedHops, 1), 0);
  return normalize(chain[index]!);
}

/** One spelling per address, so `::ffff:10.0.0.1` and `10.0.0.1` share a budget; never longer than a key allows. */
function normalize(address: string): string {
  return address
    .replace(/^::ffff:/i, "")
    .toLowerCase()
    .slice(0, 64);
}
