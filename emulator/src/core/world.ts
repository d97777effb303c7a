import { readFileSync } from "node:fs";
import { z } from "zod";
import { DIRECTORY_ROLE_NAMES } from "./roles.js";

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");

export const userSchema = z.object({
  id: guid,
  upn: z.string().includes("@"),
  displayName: z.string(),
  /** Only for ROPC (`grant_type=password`); the sign-in page lets a person pick the account. */
  password: z.string().optional(),
  directoryRoles: z.array(z.enum(DIRECTORY_ROLE_NAMES)).default([]),
});

export const tenantSchema = z.object({
  id: guid,
  displayName: z.string(),
  /** Verified domains; the first is the initial/default `*.onmicrosoft.com` domain. */
  domains: z.array(z.string()).min(1),
  users: z.array(userSchema).default([]),
  /** Subscriptions of this tenant; merged into `arm.subscriptions`. */
  subscriptions: z.array(z.object({ subscriptionId: guid, displayName: z.string().optional() })).default([]),
});

export const appRoleSchema = z.object({
  id: guid,
  value: z.string(),
  displayName: z.string(),
  description: z.string().optional(),
  allowedMemberTypes: z.array(z.enum(["User", "Application"])).default(["User"]),
});

export const ficSchema = z.object({
  id: guid.optional(),
  name: z.string(),
  /** May contain `{emulator}`, replaced by the emulator's authority: its base URL (the port differs between runs) or `--authority`. */
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()).length(1),
  description: z.string().nullable().optional(),
});

export const applicationSchema = z.object({
  appId: guid,
  objectId: guid.optional(),
  displayName: z.string(),
  publisherDomain: z.string().optional(),
  /** Verified publisher name shown on consent pages. */
  publisherName: z.string().optional(),
  homeTenantId: guid,
  signInAudience: z.enum(["AzureADMyOrg", "AzureADMultipleOrgs"]),
  identifierUris: z.array(z.string()).default([]),
  redirectUris: z
    .object({ web: z.array(z.string()).default([]), spa: z.array(z.string()).default([]) })
    .prefault({}),
  appRoles: z.array(appRoleSchema).default([]),
  /** User → app role (by `value`) on the app's service principal in the user's tenant. */
  appRoleAssignments: z.array(z.object({ user: z.string(), role: z.string() })).default([]),
  clientSecrets: z.array(z.object({ value: z.string(), displayName: z.string().optional() })).default([]),
  federatedIdentityCredentials: z.array(ficSchema).default([]),
  /** Object ids (users or service principals) owning the app: `Application.ReadWrite.OwnedBy` acts on these apps. */
  owners: z.array(guid).default([]),
  /** Object id of the app's service principal in its home tenant (generated when omitted). */
  servicePrincipalId: guid.optional(),
  graphAppRoles: z.array(z.string()).default([]),
});

export const uamiSchema = z.object({
  resourceId: z
    .string()
    .regex(
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i,
    ),
  name: z.string().optional(),
  clientId: guid,
  principalId: guid,
  tenantId: guid,
  location: z.string().default("westeurope"),
  /** Microsoft Graph application permissions granted to the identity's service principal. */
  graphAppRoles: z.array(z.string()).default([]),
});

export const servicePrincipalSchema = z.object({
  tenantId: guid,
  appId: guid,
  id: guid.optional(),
  graphAppRoles: z.array(z.string()).default([]),
});

/** The directory's part of a world (tenants, apps, identities); src/world.ts adds each service's part. */
export const directoryWorldSchema = z.object({
  tenants: z.array(tenantSchema).min(1),
  applications: z.array(applicationSchema).default([]),
  userAssignedIdentities: z.array(uamiSchema).default([]),
  /** Service principals that already exist (e.g. the ISV app already consented in a customer tenant). */
  servicePrincipals: z.array(servicePrincipalSchema).default([]),
  managedIdentityEndpoint: z
    .object({ header: z.string().min(1), identities: z.array(guid).default([]) })
    .prefault({ header: "crosskey-emulator-identity-header" }),
});

export type DirectoryWorld = z.infer<typeof directoryWorldSchema>;
export type UserInput = z.infer<typeof userSchema>;
export type ApplicationInput = z.infer<typeof applicationSchema>;
export type UamiInput = z.infer<typeof uamiSchema>;
export type FicInput = z.infer<typeof ficSchema>;

export function readWorldFile(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}
