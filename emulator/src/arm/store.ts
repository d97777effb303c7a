import { randomUUID } from "node:crypto";
import { findGrantingAssignment, type RoleAssignment } from "./rbac.js";
import type { ArmWorld } from "./world.js";
import { parseResourceId } from "./resource-id.js";
import { OperationRegistry } from "./lro.js";
import { Throttle, type RequestKind, type ThrottleLimits } from "./throttle.js";

export interface Subscription {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}
export interface ResourceGroup {
  id: string;
  name: string;
  location: string;
  subscriptionId: string;
  tags?: Record<string, string>;
}

/** A tracked ARM resource. `internal` holds emulator bookkeeping (CMK state, rotation checks); never serialized. */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location: string;
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
  properties: Record<string, unknown>;
  internal: Record<string, unknown>;
}

export interface ArmStoreDeps {
  nowSeconds(): number;
  nowMs(): number;
  propagationSeconds(): number;
  limits(kind: RequestKind): ThrottleLimits;
}

/** State of the ARM side: moto-style, everything keyed by lower-cased ids, rebuilt by reset(world). */
export class ArmStore {
  readonly subscriptions = new Map<string, Subscription>();
  readonly resourceGroups = new Map<string, ResourceGroup>();
  readonly resources = new Map<string, ArmResource>();
  readonly roleAssignments = new Map<string, RoleAssignment>();

  readonly operations: OperationRegistry;
  readonly throttle: Throttle;

  constructor(private readonly deps: ArmStoreDeps) {
    this.operations = new OperationRegistry(deps.nowMs);
    this.throttle = new Throttle(deps.limits, deps.nowMs);
  }

  reset(world: ArmWorld): void {
    this.subscriptions.clear();
    this.resourceGroups.clear();
    this.resources.clear();
    this.roleAssignments.clear();
    this.operations.reset();
    this.throttle.reset();
    for (const s of world.subscriptions) {
      this.subscriptions.set(s.subscriptionId.toLowerCase(), {
        ...s,
        displayName: s.displayName ?? `Subscription ${s.subscriptionId}`,
      });
    }
    for (const g of world.resourceGroups) this.putResourceGroup(g.subscriptionId, g.name, g.location, g.tags);
    for (const r of world.resources) {
      const id = parseResourceId(r.id);
      this.putResource({
        id: r.id,
        name: id.name,
        type: r.type,
        location: r.location,
        tags: r.tags,
        identity: r.identity,
        properties: r.properties,
        internal: {},
      });
    }
    // World assignments exist "since forever": propagation never delays them.
    for (const a of world.roleAssignments) this.addRoleAssignment({ ...a, createdAtSeconds: -Infinity });
  }

  getSubscription(subscriptionId: string): Subscription | undefined {
    return this.subscriptions.get(subscriptionId.toLowerCase());
  }

  getResourceGroup(subscriptionId: string, name: string): ResourceGroup | undefined {
    return this.resourceGroups.get(`${subscriptionId}/${name}`.toLowerCase());
  }

  putResourceGroup(
    subscriptionId: string,
    name: string,
    location: string,
    tags?: Record<string, string>,
  ): ResourceGroup {
    const existing = this.getResourceGroup(subscriptionId, name);
    const rg: ResourceGroup = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${existing?.name ?? name}`,
      name: existing?.name ?? name,
      location: existing?.location ?? location,
      subscriptionId,
      tags,
    };
    this.resourceGroups.set(`${subscriptionId}/${name}`.toLowerCase(), rg);
    return rg;
  }

  getResource(id: string): ArmResource | undefined {
    return this.resources.get(id.toLowerCase());
  }

  putResource(r: ArmResource): ArmResource {
    this.resources.set(r.id.toLowerCase(), r);
    return r;
  }

  deleteResource(id: string): boolean {
    const prefix = `${id.toLowerCase()}/`;
    for (const key of this.resources.keys()) if (key.startsWith(prefix)) this.resources.delete(key);
    return this.resources.delete(id.toLowerCase());
  }

  listResources(scopePrefix: string, type?: string): ArmResource[] {
    const p = `${scopePrefix.toLowerCase()}/`;
    return [...this.resources.values()].filter(
      (r) => r.id.toLowerCase().startsWith(p) && (!type || r.type.toLowerCase() === type.toLowerCase()),
    );
  }

  /** Vaults and managed HSMs by data-plane host (`contoso-kv.vault.azure.net`). */
  findVaultByHost(host: string): ArmResource | undefined {
    const h = host.toLowerCase().replace(/:443$/, "");
    for (const r of this.resources.values()) {
      const uri = r.properties.vaultUri ?? r.properties.hsmUri;
      if (typeof uri === "string" && new URL(uri).host.toLowerCase() === h) return r;
    }
    return undefined;
  }

  addRoleAssignment(
    input: Omit<RoleAssignment, "id" | "name" | "tenantId" | "createdAtSeconds"> & {
      name?: string;
      createdAtSeconds?: number;
    },
  ): RoleAssignment {
    const name = input.name ?? randomUUID();
    const scope = input.scope.replace(/\/+$/, "");
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
    const a: RoleAssignment = {
      ...input,
      name,
      scope,
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      tenantId: this.getSubscription(sub)?.tenantId ?? "",
      createdAtSeconds: input.createdAtSeconds ?? this.deps.nowSeconds(),
    };
    this.roleAssignments.set(a.id.toLowerCase(), a);
    return a;
  }

  /** ARM (control plane) permission: effective immediately (the emulator delays data actions only). */
  hasAction(q: { principalId: string; tenantId: string; scope: string; action: string }): boolean {
    return !!findGrantingAssignment(this.roleAssignments.values(), { ...q, data: false });
  }

  /** Data-plane permission, honouring `rolePropagationSeconds` (a new assignment takes effect N s after creation). */
  hasDataAction(q: {
    principalId: string;
    tenantId: string;
    scope: string;
    dataAction: string;
    atSeconds?: number;
  }): boolean {
    const at = (q.atSeconds ?? this.deps.nowSeconds()) - this.deps.propagationSeconds();
    return !!findGrantingAssignment(this.roleAssignments.values(), {
      principalId: q.principalId,
      tenantId: q.tenantId,
      scope: q.scope,
      action: q.dataAction,
      data: true,
      effectiveAtSeconds: at,
    });
  }
}
