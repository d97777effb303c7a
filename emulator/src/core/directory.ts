import type { DirectoryWorld } from "./world.js";
import type { Application, ServicePrincipal, Tenant, User, UserAssignedIdentity } from "./directory-types.js";
import { FIRST_PARTY_APPS, MICROSOFT_TENANT_ID, findFirstPartyApp } from "./first-party.js";
import { newId, stableId } from "./ids.js";

export type * from "./directory-types.js";

const lc = (s: string) => s.toLowerCase();

/** Entra's directory for every tenant of the world: tenants, users, app registrations, service principals, UAMIs. */
export class DirectoryStore {
  private tenants = new Map<string, Tenant>();
  private applications = new Map<string, Application>();
  private servicePrincipals = new Map<string, ServicePrincipal>();
  private uamis: UserAssignedIdentity[] = [];

  constructor(private readonly now: () => Date) {}

  reset(world: DirectoryWorld): void {
    this.tenants.clear();
    this.applications.clear();
    this.servicePrincipals.clear();
    const created = this.now().toISOString();
    for (const t of world.tenants) {
      const users = t.users.map((u): User => ({ ...u, tenantId: t.id }));
      this.tenants.set(lc(t.id), {
        id: t.id,
        displayName: t.displayName,
        domains: t.domains,
        defaultDomain: t.domains[0] ?? "",
        users,
      });
    }
    for (const a of world.applications) {
      const assignments = new Map<string, string[]>();
      for (const { user, role } of a.appRoleAssignments) {
        const u = this.findUserAnywhere(user);
        if (!u) throw new Error(`appRoleAssignments of ${a.displayName}: unknown user ${user}`);
        assignments.set(u.id, [...(assignments.get(u.id) ?? []), role]);
      }
      this.applications.set(lc(a.appId), {
        id: a.objectId ?? stableId(`application:${a.appId}`),
        appId: a.appId,
        displayName: a.displayName,
        publisherDomain: a.publisherDomain ?? this.getTenant(a.homeTenantId)?.defaultDomain ?? "",
        publisherName: a.publisherName,
        homeTenantId: a.homeTenantId,
        signInAudience: a.signInAudience,
        identifierUris: a.identifierUris,
        redirectUris: a.redirectUris,
        appRoles: a.appRoles,
        appRoleAssignments: assignments,
        clientSecrets: a.clientSecrets.map((s) => s.value),
        federatedIdentityCredentials: a.federatedIdentityCredentials.map((f) => ({
          ...f,
          id: f.id ?? stableId(`fic:${a.appId}:${f.name}`),
          description: f.description ?? null,
        })),
        owners: a.owners,
        createdDateTime: created,
      });
      this.createServicePrincipal(a.homeTenantId, a.appId, {
        id: a.servicePrincipalId ?? stableId(`sp:${a.homeTenantId}:${a.appId}`),
        graphAppRoles: a.graphAppRoles,
      });
    }
    this.uamis = world.userAssignedIdentities.map((u) => ({
      id: u.resourceId,
      resourceId: u.resourceId,
      name: u.name ?? u.resourceId.split("/").pop() ?? "",
      clientId: u.clientId,
      principalId: u.principalId,
      tenantId: u.tenantId,
      location: u.location,
    }));
    for (const [i, u] of this.uamis.entries()) {
      this.servicePrincipals.set(key(u.tenantId, u.clientId), {
        id: u.principalId,
        appId: u.clientId,
        tenantId: u.tenantId,
        displayName: u.name,
        appOwnerOrganizationId: null,
        servicePrincipalType: "ManagedIdentity",
        signInAudience: "AzureADMyOrg",
        accountEnabled: true,
        graphAppRoles: world.userAssignedIdentities[i]?.graphAppRoles ?? [],
        alternativeNames: ["isExplicit=True", u.resourceId],
        createdDateTime: created,
      });
    }
    for (const sp of world.servicePrincipals) {
      if (!this.findServicePrincipal(sp.tenantId, sp.appId))
        this.createServicePrincipal(sp.tenantId, sp.appId, { id: sp.id, graphAppRoles: sp.graphAppRoles });
    }
  }

  /** By tenant id or any verified domain. */
  getTenant(idOrDomain: string): Tenant | undefined {
    const k = lc(idOrDomain);
    return this.tenants.get(k) ?? [...this.tenants.values()].find((t) => t.domains.some((d) => lc(d) === k));
  }

  listTenants(): Tenant[] {
    return [...this.tenants.values()];
  }

  getUser(tenantId: string, idOrUpn: string): User | undefined {
    const k = lc(idOrUpn);
    return this.getTenant(tenantId)?.users.find((u) => lc(u.id) === k || lc(u.upn) === k);
  }

  findUserAnywhere(idOrUpn: string): User | undefined {
    for (const t of this.tenants.values()) {
      const u = this.getUser(t.id, idOrUpn);
      if (u) return u;
    }
    return undefined;
  }

  getApplication(appId: string): Application | undefined {
    return this.applications.get(lc(appId));
  }

  getApplicationByObjectId(id: string): Application | undefined {
    return [...this.applications.values()].find((a) => lc(a.id) === lc(id));
  }

  listApplications(): Application[] {
    return [...this.applications.values()];
  }

  findServicePrincipal(tenantId: string, appId: string): ServicePrincipal | undefined {
    const sp = this.servicePrincipals.get(key(tenantId, appId));
    if (sp) return sp;
    const fp = findFirstPartyApp(appId);
    if (!fp || !this.getTenant(tenantId)) return undefined;
    return {
      id: stableId(`sp:${lc(tenantId)}:${fp.appId}`),
      appId: fp.appId,
      tenantId,
      displayName: fp.displayName,
      appOwnerOrganizationId: MICROSOFT_TENANT_ID,
      servicePrincipalType: "Application",
      signInAudience: "AzureADMultipleOrgs",
      accountEnabled: true,
      graphAppRoles: [],
      alternativeNames: [],
      createdDateTime: "2015-01-01T00:00:00Z",
    };
  }

  getServicePrincipalById(tenantId: string, id: string): ServicePrincipal | undefined {
    return this.listServicePrincipals(tenantId).find((sp) => lc(sp.id) === lc(id));
  }

  listServicePrincipals(tenantId: string): ServicePrincipal[] {
    const own = [...this.servicePrincipals.values()].filter((sp) => lc(sp.tenantId) === lc(tenantId));
    const firstParty = FIRST_PARTY_APPS.map((a) => this.findServicePrincipal(tenantId, a.appId)).filter(
      (sp) => sp !== undefined,
    );
    return [...own, ...firstParty];
  }

  /** Creates the app's SP in the tenant (consent, Graph POST): a new object id per tenant, same appId. */
  createServicePrincipal(
    tenantId: string,
    appId: string,
    opts: { id?: string; graphAppRoles?: string[]; propagationSeconds?: number } = {},
  ): ServicePrincipal {
    const app = this.getApplication(appId);
    const tenant = this.getTenant(tenantId);
    if (!app || !tenant) throw new Error(`cannot create service principal for ${appId} in ${tenantId}`);
    const sp: ServicePrincipal = {
      id: opts.id ?? newId(),
      appId: app.appId,
      tenantId: tenant.id,
      displayName: app.displayName,
      appOwnerOrganizationId: app.homeTenantId,
      servicePrincipalType: "Application",
      signInAudience: app.signInAudience,
      accountEnabled: true,
      graphAppRoles: opts.graphAppRoles ?? [],
      alternativeNames: [],
      createdDateTime: this.now().toISOString(),
      ...(opts.propagationSeconds
        ? { tokensFromMs: this.now().getTime() + opts.propagationSeconds * 1000 }
        : {}),
    };
    this.servicePrincipals.set(key(tenant.id, app.appId), sp);
    return sp;
  }

  /** Deletes an app's service principal from a tenant (Graph DELETE): its consent goes with it. */
  deleteServicePrincipal(tenantId: string, id: string): boolean {
    for (const [k, sp] of this.servicePrincipals) {
      if (lc(sp.tenantId) === lc(tenantId) && lc(sp.id) === lc(id)) return this.servicePrincipals.delete(k);
    }
    return false;
  }

  getUamiByClientId(clientId: string): UserAssignedIdentity | undefined {
    return this.uamis.find((u) => lc(u.clientId) === lc(clientId));
  }

  getUamiByPrincipalId(principalId: string): UserAssignedIdentity | undefined {
    return this.uamis.find((u) => lc(u.principalId) === lc(principalId));
  }

  getUamiByResourceId(id: string): UserAssignedIdentity | undefined {
    return this.uamis.find((u) => lc(u.resourceId) === lc(id));
  }

  listUamis(): UserAssignedIdentity[] {
    return [...this.uamis];
  }

  dump(): unknown {
    return {
      tenants: this.listTenants().map((t) => ({ ...t, users: t.users.map(({ password: _p, ...u }) => u) })),
      applications: this.listApplications().map(({ clientSecrets: _s, appRoleAssignments, ...a }) => ({
        ...a,
        appRoleAssignments: Object.fromEntries(appRoleAssignments),
      })),
      servicePrincipals: [...this.servicePrincipals.values()],
      userAssignedIdentities: this.uamis,
    };
  }
}

const key = (tenantId: string, appId: string) => `${lc(tenantId)}/${lc(appId)}`;
