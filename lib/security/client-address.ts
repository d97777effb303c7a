import "server-only";
import { getEnv } from "@/lib/env";

/**
 * The client's address as the trusted proxy chain reports it (`TRUSTED_PROXY_HOPS`, `CLIENT_IP_HEADER`), from
 * the request's headers alone: App Router code passes `headers()`, the Pages Router its request's headers.
 */
export function clientAddressOf(h: Pick<Headers, "get">): string {
  const env = getEnv();
  return clientAddressFrom(h, { trustedHops: env.TRUSTED_PROXY_HOPS ?? 0, header: env.CLIENT_IP_HEADER });
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
