import { findRoleDefinition, roleGrants, type RoleDefinition } from "./roles.js";

/** A role assignment as ARM stores it. `createdAtSeconds` is on the emulator clock. */
export interface RoleAssignment {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  /** Tenant that owns the assignment's subscription: principal object ids only mean something there. */
  tenantId: string;
  createdAtSeconds: number;
  createdBy?: string;
}

/** `/a/b` covers `/a/b` and `/a/b/c`, not `/a/bc` (ARM scopes inherit downwards on segment boundaries). */
export function scopeCovers(assignmentScope: string, target: string): boolean {
  const a = assignmentScope.toLowerCase().replace(/\/+$/, "");
  const t = target.toLowerCase().replace(/\/+$/, "");
  return a === "" || a === "/" || t === a || t.startsWith(`${a}/`);
}

export interface AccessQuery {
  principalId: string;
  tenantId: string;
  scope: string;
  action: string;
  data: boolean;
  /** Only assignments created at or before this instant count (role propagation). */
  effectiveAtSeconds?: number;
}

export function findGrantingAssignment(
  assignments: Iterable<RoleAssignment>,
  q: AccessQuery,
): { assignment: RoleAssignment; role: RoleDefinition } | undefined {
  for (const a of assignments) {
    if (a.principalId.toLowerCase() !== q.principalId.toLowerCase()) continue;
    if (a.tenantId.toLowerCase() !== q.tenantId.toLowerCase()) continue;
    if (q.effectiveAtSeconds !== undefined && a.createdAtSeconds > q.effectiveAtSeconds) continue;
    if (!scopeCovers(a.scope, q.scope)) continue;
    const role = findRoleDefinition(a.roleDefinitionId);
    if (role && roleGrants(role, q.action, q.data)) return { assignment: a, role };
  }
  return undefined;
}
