import type { Emulator } from "../emulator.js";
import { FIRST_PARTY_APPS, GRAPH_APP_ID } from "../core/first-party.js";
import { AadError } from "./errors.js";

export const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** The API a token is for. `audience` is what goes into `aud`: the identifier as requested (v1) or the app id (v2). */
export interface ResourceRef {
  appId: string;
  displayName: string;
  audience: string;
  version: 1 | 2;
  /** The permissions requested on it, e.g. [".default"] or ["User.Read"]. */
  permissions: string[];
}

export interface ParsedScopes {
  oidc: string[];
  resource?: ResourceRef;
}

const norm = (s: string) => s.toLowerCase().replace(/\/+$/, "");

export function lookupResource(
  emu: Emulator,
  identifier: string,
): Omit<ResourceRef, "permissions" | "audience"> | undefined {
  const k = norm(identifier);
  const fp = FIRST_PARTY_APPS.find((a) => a.appId === k || a.identifierUris.some((u) => norm(u) === k));
  if (fp && fp.identifierUris.length > 0)
    return { appId: fp.appId, displayName: fp.displayName, version: fp.tokenVersion };
  const app = emu.directory
    .listApplications()
    .find((a) => a.appId.toLowerCase() === k || a.identifierUris.some((u) => norm(u) === k));
  return app ? { appId: app.appId, displayName: app.displayName, version: 2 } : undefined;
}

/**
 * Splits a v2 `scope` parameter into OIDC scopes and the single resource it names (Entra issues one access
 * token per resource: AADSTS700022 when the scopes name several). Bare names such as `User.Read` are Graph's.
 */
export function parseScopes(emu: Emulator, scope: string, tenantName: string): ParsedScopes {
  const parts = scope.split(/\s+/).filter(Boolean);
  const oidc = parts.filter((p) => OIDC_SCOPES.has(p.toLowerCase()));
  const rest = parts.filter((p) => !OIDC_SCOPES.has(p.toLowerCase()));
  let resource: ResourceRef | undefined;
  for (const s of rest) {
    const slash = s.lastIndexOf("/");
    const identifier = slash > 0 ? s.slice(0, slash) : GRAPH_APP_ID;
    const permission = slash > 0 ? s.slice(slash + 1) : s;
    const found = lookupResource(emu, identifier);
    if (!found) {
      throw new AadError(
        "invalid_resource",
        500011,
        `The resource principal named ${identifier} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    if (resource && resource.appId !== found.appId) {
      throw new AadError(
        "invalid_scope",
        700022,
        `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
      );
    }
    const audience = found.version === 2 || slash < 0 ? found.appId : identifier;
    resource = resource
      ? { ...resource, permissions: [...resource.permissions, permission] }
      : { ...found, audience, permissions: [permission] };
  }
  return { oidc, resource };
}

/** v1 resource parameter (`resource=https://vault.azure.net`) as the equivalent `/.default` scope. */
export const resourceToScope = (resource: string): string => `${resource}/.default`;

/** The Graph access token Entra returns when only OIDC scopes were requested. */
export const defaultGraphResource = (): ResourceRef => ({
  appId: GRAPH_APP_ID,
  displayName: "Microsoft Graph",
  audience: GRAPH_APP_ID,
  version: 1,
  permissions: ["User.Read"],
});
