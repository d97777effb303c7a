import type {
  Application,
  FederatedIdentityCredential,
  ServicePrincipal,
  Tenant,
} from "../core/directory.js";
import { badRequest } from "./errors.js";

export const spJson = (
  sp: ServicePrincipal,
  appRoles: Application["appRoles"] = [],
  publisherName?: string,
) => ({
  id: sp.id,
  deletedDateTime: null,
  accountEnabled: sp.accountEnabled,
  alternativeNames: sp.alternativeNames,
  appDisplayName: sp.displayName,
  appDescription: null,
  appId: sp.appId,
  applicationTemplateId: null,
  appOwnerOrganizationId: sp.appOwnerOrganizationId,
  appRoleAssignmentRequired: false,
  createdDateTime: sp.createdDateTime,
  description: null,
  displayName: sp.displayName,
  homepage: null,
  loginUrl: null,
  logoutUrl: null,
  notes: null,
  notificationEmailAddresses: [],
  preferredSingleSignOnMode: null,
  replyUrls: [],
  servicePrincipalNames:
    sp.servicePrincipalType === "ManagedIdentity" ? [sp.appId, ...sp.alternativeNames.slice(1)] : [sp.appId],
  servicePrincipalType: sp.servicePrincipalType,
  signInAudience: sp.signInAudience,
  tags: [],
  appRoles: appRoles.map((r) => ({ ...r, isEnabled: true, origin: "Application" })),
  oauth2PermissionScopes: [],
  keyCredentials: [],
  passwordCredentials: [],
  verifiedPublisher: { displayName: publisherName ?? null, verifiedPublisherId: null, addedDateTime: null },
});

export const appJson = (a: Application) => ({
  id: a.id,
  deletedDateTime: null,
  appId: a.appId,
  createdDateTime: a.createdDateTime,
  displayName: a.displayName,
  publisherDomain: a.publisherDomain,
  signInAudience: a.signInAudience,
  identifierUris: a.identifierUris,
  appRoles: a.appRoles.map((r) => ({ ...r, isEnabled: true, origin: "Application" })),
  web: {
    redirectUris: a.redirectUris.web,
    implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
  },
  spa: { redirectUris: a.redirectUris.spa },
  publicClient: { redirectUris: [] },
  keyCredentials: [],
  passwordCredentials: a.clientSecrets.map((s, i) => ({
    displayName: `secret ${i + 1}`,
    hint: s.slice(0, 3),
    keyId: null,
    secretText: null,
  })),
  verifiedPublisher: { displayName: a.publisherName ?? null, verifiedPublisherId: null, addedDateTime: null },
});

export const ficJson = (f: FederatedIdentityCredential) => ({
  id: f.id,
  name: f.name,
  issuer: f.issuer,
  subject: f.subject,
  description: f.description,
  audiences: f.audiences,
});

export const organizationJson = (t: Tenant) => ({
  id: t.id,
  deletedDateTime: null,
  displayName: t.displayName,
  tenantType: "AAD",
  countryLetterCode: "US",
  preferredLanguage: "en",
  verifiedDomains: t.domains.map((name, i) => ({
    name,
    isDefault: i === 0,
    isInitial: i === 0,
    type: "Managed",
    capabilities: "Email, OfficeCommunicationsOnline",
  })),
});

/** `$select=a,b`: only those properties (Graph keeps @odata annotations). */
export function select<T extends Record<string, unknown>>(
  obj: T,
  $select: string | null,
): Record<string, unknown> {
  if (!$select) return obj;
  const wanted = $select
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => wanted.includes(k) || k.startsWith("@odata")),
  );
}

/** A parsed `$filter`: `prop eq 'v'`, or `prop/any(c:c eq 'v')` on a string collection. */
export interface EqFilter {
  property: string;
  value: string;
  any: boolean;
}

/**
 * The `$filter` forms Graph supports on these collections: `prop eq 'value'` and, for collections listed in
 * `collections`, the lambda `prop/any(c:c eq 'value')` (what `az ad sp show --id` sends for servicePrincipalNames;
 * Graph "Use the $filter query parameter", lambda operators).
 */
export function parseEqFilter(
  $filter: string | null,
  allowed: string[],
  collections: string[] = [],
): EqFilter | undefined {
  if (!$filter) return undefined;
  const eq = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec($filter);
  const any = /^\s*(\w+)\/any\(\s*(\w+)\s*:\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/.exec($filter);
  if (eq?.[1] && eq[2] !== undefined && allowed.includes(eq[1]))
    return { property: eq[1], value: eq[2].replaceAll("''", "'"), any: false };
  if (any?.[1] && any[2] === any[3] && any[4] !== undefined && collections.includes(any[1]))
    return { property: any[1], value: any[4].replaceAll("''", "'"), any: true };
  throw badRequest(`Invalid filter clause: unsupported or malformed expression '${$filter}'.`);
}

/** Whether a serialized object passes the filter (string comparisons ignore case, as Graph's do for these keys). */
export function matchesFilter(obj: Record<string, unknown>, f: EqFilter | undefined): boolean {
  if (!f) return true;
  const v = obj[f.property];
  const same = (x: unknown) => String(x).toLowerCase() === f.value.toLowerCase();
  return f.any ? Array.isArray(v) && v.some(same) : same(v);
}
