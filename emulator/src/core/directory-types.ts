import type { DirectoryRoleName } from "./roles.js";

export interface User {
  id: string;
  tenantId: string;
  upn: string;
  displayName: string;
  password?: string;
  directoryRoles: DirectoryRoleName[];
}

export interface Tenant {
  id: string;
  displayName: string;
  domains: string[];
  defaultDomain: string;
  users: User[];
}

export interface FederatedIdentityCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description?: string;
  allowedMemberTypes: string[];
}

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  publisherDomain: string;
  publisherName?: string;
  homeTenantId: string;
  signInAudience: "AzureADMyOrg" | "AzureADMultipleOrgs";
  identifierUris: string[];
  redirectUris: { web: string[]; spa: string[] };
  appRoles: AppRole[];
  /** user object id → app role values */
  appRoleAssignments: Map<string, string[]>;
  clientSecrets: string[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
  owners: string[];
  createdDateTime: string;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  appOwnerOrganizationId: string | null;
  servicePrincipalType: "Application" | "ManagedIdentity";
  signInAudience: string;
  accountEnabled: boolean;
  /** Microsoft Graph application permissions (app roles) granted to this principal. */
  graphAppRoles: string[];
  alternativeNames: string[];
  createdDateTime: string;
  /** Emulator time (ms) from which Entra issues tokens for it (consent propagation); absent = at once. */
  tokensFromMs?: number;
}

export interface UserAssignedIdentity {
  id: string;
  resourceId: string;
  name: string;
  clientId: string;
  principalId: string;
  tenantId: string;
  location: string;
}
