import type { Emulator } from "../emulator.js";
import type { Tenant } from "../core/directory.js";
import { isGuid } from "../core/ids.js";
import { AadError, aad } from "./errors.js";
import { authorityOrigin } from "../core/origin.js";

/** The first path segment: a tenant (by id or verified domain) or one of Entra's multi-tenant aliases. */
export type TenantSegment =
  { kind: "tenant"; tenant: Tenant } | { kind: "organizations" | "common"; name: string };

export function resolveTenantSegment(emu: Emulator, segment: string): TenantSegment {
  const name = segment.toLowerCase();
  if (name === "organizations" || name === "common") return { kind: name, name };
  if (!isGuid(segment) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(segment)) {
    throw new AadError(
      "invalid_request",
      900023,
      `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
    );
  }
  const tenant = emu.directory.getTenant(segment);
  if (!tenant) throw aad.tenantNotFound(segment);
  return { kind: "tenant", tenant };
}

/** Client credentials and tokens for a specific directory need a real tenant, not `common`/`organizations`. */
export function requireTenant(seg: TenantSegment, clientId: string): Tenant {
  if (seg.kind === "tenant") return seg.tenant;
  throw new AadError(
    "invalid_request",
    700011,
    `Application with identifier '${clientId}' was not found in the directory '${seg.name}'. Use a tenant-specific endpoint for this flow.`,
  );
}

export const v1Issuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;
export const v2Issuer = (emu: Emulator, tenantId: string): string =>
  `${authorityOrigin(emu)}/${tenantId}/v2.0`;
