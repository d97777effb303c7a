import { randomUUID } from "node:crypto";
import { z } from "zod";
import { KvError, badParameter } from "./errors.js";
import type { VaultView } from "./vault.js";

/**
 * Managed HSM local RBAC: an HSM authorizes its data plane with its own role assignments, made on the HSM
 * itself (`PUT https://{hsm}.managedhsm.azure.net/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`,
 * Key Vault data-plane REST `rbac.json`, stable 7.4 … 7.6), never with Azure (ARM) role assignments.
 * Scopes are `/` and `/keys` (the whole HSM) or `/keys/{keyName}` (Microsoft Learn, "Managed HSM role
 * management"). Built-in roles, ids and data actions: Microsoft Learn, "Local RBAC built-in roles for Managed HSM".
 */
const NS = "Microsoft.KeyVault/managedHsm";
const ROLE_MANAGEMENT = [
  "roleAssignments/read/action",
  "roleAssignments/write/action",
  "roleAssignments/delete/action",
  "roleDefinitions/read/action",
  "roleDefinitions/write/action",
  "roleDefinitions/delete/action",
];
const KEY_USE = [
  "keys/read/action",
  "keys/write/action",
  "keys/rotate/action",
  "keys/create",
  "keys/delete",
  "keys/backup/action",
  "keys/restore/action",
  "keys/release/action",
  "keys/import/action",
  "keys/encrypt/action",
  "keys/decrypt/action",
  "keys/wrap/action",
  "keys/unwrap/action",
  "keys/sign/action",
  "keys/verify/action",
];

interface HsmRole {
  id: string;
  roleName: string;
  description: string;
  dataActions: string[];
}
const role = (id: string, roleName: string, description: string, actions: string[]): HsmRole => ({
  id,
  roleName,
  description,
  dataActions: actions.map((a) => `${NS}/${a}`),
});

export const HSM_ROLES: HsmRole[] = [
  role(
    "a290e904-7015-4bba-90c8-60543313cdb4",
    "Managed HSM Administrator",
    "Grants permissions to perform all operations related to the security domain, full backup and restore, and role management. Not permitted to perform any key management operations.",
    [
      "securitydomain/download/action",
      "securitydomain/upload/action",
      "securitydomain/upload/read",
      "securitydomain/transferkey/read",
      ...ROLE_MANAGEMENT,
      "backup/start/action",
      "backup/status/action",
      "restore/start/action",
      "restore/status/action",
    ],
  ),
  role(
    "515eb02d-2335-4d2d-92f2-b1cbdf9c3778",
    "Managed HSM Crypto Officer",
    "Grants permissions to perform all role management, purge or recover deleted keys, and export keys. Not permitted to perform any other key management operations.",
    [
      "keys/deletedKeys/read/action",
      "keys/deletedKeys/recover/action",
      "keys/deletedKeys/delete",
      ...ROLE_MANAGEMENT,
    ],
  ),
  role(
    "21dbd100-6940-42c2-9190-5d6cb909625b",
    "Managed HSM Crypto User",
    "Grants permissions to perform all key management operations except purge or recover deleted keys and export keys.",
    [...KEY_USE, "roleAssignments/read/action", "roleDefinitions/read/action"],
  ),
  role(
    "4bd23610-cdcf-4971-bdee-bdc562cc28e4",
    "Managed HSM Policy Administrator",
    "Grants permissions to create and delete role assignments.",
    ROLE_MANAGEMENT,
  ),
  role(
    "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3",
    "Managed HSM Crypto Auditor",
    "Grants read permissions to read (but not use) key attributes.",
    [
      "keys/read/action",
      "keys/deletedKeys/delete",
      "roleAssignments/read/action",
      "roleDefinitions/read/action",
    ],
  ),
  role(
    "33413926-3206-4cdd-b39a-83574fe37a17",
    "Managed HSM Crypto Service Encryption User",
    "Grants permissions to use a key for service encryption.",
    ["keys/read/action", "keys/wrap/action", "keys/unwrap/action"],
  ),
  role(
    "21dbd100-6940-42c2-9190-5d6cb909625c",
    "Managed HSM Crypto Service Release User",
    "Grants permissions to release a key to a trusted execution environment.",
    ["keys/release/action"],
  ),
  role(
    "7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8",
    "Managed HSM Backup",
    "Grants permissions to perform single-key or whole-HSM backup.",
    ["keys/backup/action", "backup/start/action", "backup/status/action"],
  ),
  role(
    "6efe6056-5259-49d2-8b3d-d3d73544b20b",
    "Managed HSM Restore",
    "Grants permissions to perform single-key or whole-HSM restore.",
    ["keys/restore/action", "restore/start/action", "restore/status/action"],
  ),
];
export const HSM_ADMINISTRATOR = HSM_ROLES[0]!.id;

/** Key operation → Managed HSM data action (`DataAction` enum of rbac.json; the built-in roles table). */
export const HSM_KEY_ACTIONS = {
  get: "keys/read/action",
  list: "keys/read/action",
  create: "keys/create",
  update: "keys/write/action",
  rotate: "keys/rotate/action",
  delete: "keys/delete",
  recover: "keys/deletedKeys/recover/action",
  wrapKey: "keys/wrap/action",
  unwrapKey: "keys/unwrap/action",
  encrypt: "keys/encrypt/action",
  decrypt: "keys/decrypt/action",
} as const;

/** As Managed HSM lists them: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{id}`. */
const definitionId = (id: string) =>
  `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${id}`;

export interface HsmRoleAssignment {
  name: string;
  /** `/`, `/keys` or `/keys/{keyName}`. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  createdAtSeconds: number;
}

/** Local role assignments per HSM host (lower case). The HSM's initial administrators are not stored: see `allows`. */
export class HsmRbacStore {
  private readonly byHost = new Map<string, Map<string, HsmRoleAssignment>>();

  clear(): void {
    this.byHost.clear();
  }

  list(host: string): HsmRoleAssignment[] {
    return [...(this.byHost.get(host.toLowerCase())?.values() ?? [])];
  }

  get(host: string, name: string): HsmRoleAssignment | undefined {
    return this.byHost.get(host.toLowerCase())?.get(name.toLowerCase());
  }

  put(host: string, a: HsmRoleAssignment): void {
    const h = host.toLowerCase();
    const m = this.byHost.get(h) ?? new Map<string, HsmRoleAssignment>();
    this.byHost.set(h, m);
    m.set(a.name.toLowerCase(), a);
  }

  delete(host: string, name: string): HsmRoleAssignment | undefined {
    const a = this.get(host, name);
    if (a) this.byHost.get(host.toLowerCase())!.delete(name.toLowerCase());
    return a;
  }

  /**
   * Whether `principalId` holds `action` at `scope` (an assignment at `/` or `/keys` covers every key). The HSM's
   * `initialAdminObjectIds` (ARM property set at creation) are Managed HSM Administrators at `/`. A new assignment
   * counts after `propagationSeconds`, like the emulator's Azure RBAC (how long local RBAC takes is not documented).
   */
  allows(
    vault: VaultView,
    q: { principalId: string; action: string; scope: string; atSeconds: number; propagationSeconds: number },
  ): boolean {
    const oid = q.principalId.toLowerCase();
    const grants = (roleDefinitionId: string) =>
      roleById(roleDefinitionId)?.dataActions.some((d) => d.toLowerCase() === q.action.toLowerCase()) ??
      false;
    if (vault.initialAdmins.some((a) => a.toLowerCase() === oid) && grants(HSM_ADMINISTRATOR)) return true;
    return this.list(vault.host).some(
      (a) =>
        a.principalId.toLowerCase() === oid &&
        a.createdAtSeconds <= q.atSeconds - q.propagationSeconds &&
        covers(a.scope, q.scope) &&
        grants(a.roleDefinitionId),
    );
  }
}

function roleById(roleDefinitionId: string): HsmRole | undefined {
  const id = roleDefinitionId.split("/").pop()?.toLowerCase();
  return HSM_ROLES.find((r) => r.id === id);
}

/** `/` and `/keys` are the whole HSM; `/keys/{name}` one key (key names compare case-insensitively). */
function covers(assigned: string, target: string): boolean {
  const a = assigned.toLowerCase();
  if (a === "/" || a === "/keys") return true;
  return a === target.toLowerCase();
}

/** A scope as the request path carries it (`keys/k`, `/keys`, `` → `/`), or undefined when it is not one of HSM's. */
export function normaliseScope(raw: string): string | undefined {
  const parts = raw.split("/").filter(Boolean);
  if (parts.length === 0) return "/";
  if (parts[0]!.toLowerCase() !== "keys" || parts.length > 2) return undefined;
  return parts.length === 1 ? "/keys" : `/keys/${parts[1]}`;
}

const assignmentBody = z.object({
  properties: z.object({
    roleDefinitionId: z.string().min(1),
    principalId: z.string().min(1),
  }),
});

export function serializeAssignment(a: HsmRoleAssignment) {
  return {
    id: `${a.scope === "/" ? "" : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: { scope: a.scope, roleDefinitionId: a.roleDefinitionId, principalId: a.principalId },
  };
}

export function serializeDefinition(r: HsmRole) {
  return {
    id: definitionId(r.id),
    name: r.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: r.roleName,
      description: r.description,
      type: "AKVBuiltInRole",
      permissions: [{ actions: [], notActions: [], dataActions: r.dataActions, notDataActions: [] }],
      assignableScopes: ["/"],
    },
  };
}

/** Managed HSM's refusal of a caller without a local role (403 `AccessDenied`; text as public reports quote it). */
export const hsmAccessDenied = (action: string, scope: string): KvError =>
  new KvError(
    403,
    "AccessDenied",
    `Not authorized to access ${NS}/${action} on '${scope}' (Activity ID: ${randomUUID()})`,
  );

export type RbacOp =
  | { kind: "assignment"; method: "PUT" | "GET" | "DELETE"; scope: string; name: string }
  | { kind: "assignments"; scope: string }
  | { kind: "definition"; scope: string; name: string }
  | { kind: "definitions"; scope: string };

/**
 * Parses `/{scope}/providers/Microsoft.Authorization/{roleAssignments|roleDefinitions}[/{name}]` (the parts after
 * the host); undefined when the path is not a role-management path.
 */
export function parseRbacPath(method: string, parts: string[]): RbacOp | undefined {
  const clean = parts.filter(Boolean);
  const i = clean.findIndex(
    (p, j) => p.toLowerCase() === "providers" && clean[j + 1]?.toLowerCase() === "microsoft.authorization",
  );
  if (i < 0) return undefined;
  const collection = clean[i + 2]?.toLowerCase();
  const name = clean[i + 3];
  if (clean.length > i + 4) return undefined;
  const scope = normaliseScope(clean.slice(0, i).join("/"));
  if (!scope) throw badParameter(`The scope '/${clean.slice(0, i).join("/")}' is not valid for Managed HSM.`);
  if (collection === "roleassignments") {
    if (!name) return method === "GET" ? { kind: "assignments", scope } : undefined;
    if (method === "PUT" || method === "GET" || method === "DELETE")
      return { kind: "assignment", method, scope, name };
  }
  if (collection === "roledefinitions" && method === "GET")
    return name ? { kind: "definition", scope, name } : { kind: "definitions", scope };
  return undefined;
}

/** The data action an operation needs, and the scope it is checked at. */
export function rbacAction(op: RbacOp): { action: string; scope: string } {
  if (op.kind === "assignment")
    return {
      action: `roleAssignments/${op.method === "PUT" ? "write" : op.method === "DELETE" ? "delete" : "read"}/action`,
      scope: op.scope,
    };
  if (op.kind === "assignments") return { action: "roleAssignments/read/action", scope: op.scope };
  return { action: "roleDefinitions/read/action", scope: op.scope };
}

/** Runs an authorized role-management operation. Codes and texts of refusals are guesses (COVERAGE.md). */
export function runRbac(
  store: HsmRbacStore,
  vault: VaultView,
  op: RbacOp,
  body: unknown,
  nowSeconds: number,
  filter: string | null,
): { status: number; body: unknown } {
  const host = vault.host;
  switch (op.kind) {
    case "assignment": {
      if (op.method === "PUT") {
        const parsed = assignmentBody.safeParse(body);
        if (!parsed.success)
          throw badParameter(
            "The request body is invalid: properties.roleDefinitionId and properties.principalId are required.",
          );
        const { roleDefinitionId, principalId } = parsed.data.properties;
        if (!roleById(roleDefinitionId))
          throw new KvError(
            400,
            "RoleDefinitionNotFound",
            `The role definition '${roleDefinitionId}' does not exist.`,
          );
        if (store.get(host, op.name))
          throw new KvError(409, "RoleAssignmentExists", `The role assignment '${op.name}' already exists.`);
        const a = {
          name: op.name,
          scope: op.scope,
          roleDefinitionId,
          principalId,
          createdAtSeconds: nowSeconds,
        };
        store.put(host, a);
        return { status: 201, body: serializeAssignment(a) };
      }
      const a = op.method === "DELETE" ? store.delete(host, op.name) : store.get(host, op.name);
      if (!a)
        throw new KvError(404, "RoleAssignmentNotFound", `The role assignment '${op.name}' was not found.`);
      return { status: 200, body: serializeAssignment(a) };
    }
    case "assignments": {
      // `$filter=principalId eq '{id}'`: that principal's assignments at, above or below the scope; otherwise
      // (and with `atScope()`) the assignments at or above the scope.
      const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter ?? "")?.[1]?.toLowerCase();
      const value = store
        .list(host)
        .filter((a) =>
          principal
            ? a.principalId.toLowerCase() === principal
            : covers(a.scope, op.scope) || a.scope === op.scope,
        )
        .map(serializeAssignment);
      return { status: 200, body: { value } };
    }
    case "definition": {
      const r = roleById(op.name);
      if (!r)
        throw new KvError(404, "RoleDefinitionNotFound", `The role definition '${op.name}' was not found.`);
      return { status: 200, body: serializeDefinition(r) };
    }
    case "definitions": {
      const roleName = /roleName\s+eq\s+'([^']+)'/i.exec(filter ?? "")?.[1]?.toLowerCase();
      const value = HSM_ROLES.filter((r) => !roleName || r.roleName.toLowerCase() === roleName).map(
        serializeDefinition,
      );
      return { status: 200, body: { value } };
    }
  }
}
