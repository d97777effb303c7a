import "server-only";
import { z } from "zod";
import { getCloud } from "@/lib/env";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const discoverySchema = z.object({ issuer: z.string() });
const cache = new Map<string, { tenantId: string | null; at: number }>();

/**
 * The tenant ID behind a verified domain, from Entra's public OpenID discovery document (no permission
 * needed). Null when no tenant owns the domain. GUIDs are returned as they are.
 */
export async function resolveTenantId(tenantOrDomain: string): Promise<string | null> {
  if (GUID.test(tenantOrDomain)) return tenantOrDomain.toLowerCase();
  const key = tenantOrDomain.toLowerCase();
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < 3600_000) return hit.tenantId;
  const url = `${getCloud().authorityHost}/${encodeURIComponent(key)}/v2.0/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  let tenantId: string | null = null;
  if (response.ok) {
    const issuer = discoverySchema.parse(await response.json()).issuer;
    tenantId = /\/([0-9a-f-]{36})\//i.exec(`${issuer}/`)?.[1]?.toLowerCase() ?? null;
  } else if (response.status !== 400 && response.status !== 404) {
    throw new Error(`Tenant discovery for ${key} answered ${response.status}`);
  }
  cache.set(key, { tenantId, at: Date.now() });
  return tenantId;
}
