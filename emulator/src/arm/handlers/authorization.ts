import { authorize } from "../auth.js";
import { ArmError } from "../errors.js";
import { findGrantingAssignment, scopeCovers, type RoleAssignment } from "../rbac.js";
import { BUILT_IN_ROLES, findRoleDefinition, type RoleDefinition } from "../roles.js";
import { asRecord } from "../tracked.js";
import type { ArmContext, ArmResponse } from "../types.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const subOf = (scope: string) => /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
const roleDefId = (sub: string, guid: string) =>
  `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

const assignmentBody = (a: RoleAssignment, iso: (s: number) => string) => ({
  id: a.id,
  type: "Microsoft.Authorization/roleAssignments",
  name: a.name,
  properties: {
    roleDefinitionId: roleDefId(subOf(a.scope), a.roleDefinitionId.split("/").pop() ?? ""),
    principalId: a.principalId,
    principalType: a.principalType,
    scope: a.scope,
    condition: null,
    conditionVersion: null,
    createdOn: iso(a.createdAtSeconds),
    updatedOn: iso(a.createdAtSeconds),
    createdBy: a.createdBy ?? null,
    updatedBy: a.createdBy ?? null,
    delegatedManagedIdentityResourceId: null,
    description: null,
  },
});

const roleBody = (scope: string, r: RoleDefinition) => ({
  id: `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleDefinitions/${r.id}`,
  type: "Microsoft.Authorization/roleDefinitions",
  name: r.id,
  properties: {
    roleName: r.roleName,
    type: "BuiltInRole",
    description: r.roleName,
    assignableScopes: ["/"],
    permissions: [
      {
        actions: r.actions,
        notActions: r.notActions,
        dataActions: r.dataActions,
        notDataActions: r.notDataActions,
      },
    ],
  },
});

/** `$filter=principalId eq '…'` and `atScope()` (the filters az CLI and the SDK send). */
function filterOf(q: URLSearchParams) {
  const f = q.get("$filter") ?? "";
  return {
    principalId: /principalId\s+eq\s+'([^']+)'/i.exec(f)?.[1],
    atScope: /atScope\(\)/i.test(f),
    roleName: /roleName\s+eq\s+'([^']+)'/i.exec(f)?.[1],
  };
}

export function roleAssignments(ctx: ArmContext, scope: string, name: string | undefined): ArmResponse {
  const iso = (s: number) => new Date(Number.isFinite(s) ? s * 1000 : 0).toISOString();
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name ?? ""}`;
  if (!name) {
    authorize(ctx.store, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/read");
    const f = filterOf(ctx.query);
    const value = [...ctx.store.roleAssignments.values()]
      .filter((a) => scopeCovers(a.scope, scope) || (!f.atScope && scopeCovers(scope, a.scope)))
      .filter((a) => !f.principalId || a.principalId.toLowerCase() === f.principalId.toLowerCase())
      .map((a) => assignmentBody(a, iso));
    return { status: 200, body: { value } };
  }
  const existing = ctx.store.roleAssignments.get(id.toLowerCase());
  if (ctx.method === "GET") {
    authorize(ctx.store, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/read");
    if (!existing)
      throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
    return { status: 200, body: assignmentBody(existing, iso) };
  }
  if (ctx.method === "DELETE") {
    authorize(ctx.store, ctx.caller, scope, "Microsoft.Authorization/roleAssignments/delete");
    if (!existing) return { status: 204 };
    ctx.store.roleAssignments.delete(id.toLowerCase());
    return { status: 200, body: assignmentBody(existing, iso) };
  }
  if (ctx.method !== "PUT")
    throw new ArmError(405, "MethodNotAllowed", `The method '${ctx.method}' is not supported.`);
  return createAssignment(ctx, scope, name, existing, iso);
}

function createAssignment(
  ctx: ArmContext,
  scope: string,
  name: string,
  existing: RoleAssignment | undefined,
  iso: (s: number) => string,
): ArmResponse {
  if (!GUID.test(name))
    throw new ArmError(
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  const p = asRecord(asRecord(ctx.body)?.properties) ?? {};
  const roleDefinitionId = String(p.roleDefinitionId ?? "");
  const principalId = String(p.principalId ?? "");
  const role = findRoleDefinition(roleDefinitionId);
  if (!role)
    throw new ArmError(
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${roleDefinitionId.split("/").pop()}' does not exist.`,
    );
  if (!GUID.test(principalId))
    throw new ArmError(
      400,
      "InvalidPrincipalId",
      "A valid principal ID must be provided for role assignment.",
    );
  authorizeAssign(ctx, scope, role);
  // Without principalType ARM looks the principal up in the directory (and may hit replication delay).
  const dir = ctx.emu.directory;
  if (
    !p.principalType &&
    !dir.getUser(ctx.subscription.tenantId, principalId) &&
    !dir.getServicePrincipalById(ctx.subscription.tenantId, principalId) &&
    !dir.getUamiByPrincipalId(principalId)
  ) {
    throw new ArmError(
      400,
      "PrincipalNotFound",
      `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${ctx.subscription.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  if (existing) {
    if (
      existing.principalId.toLowerCase() === principalId.toLowerCase() &&
      findRoleDefinition(existing.roleDefinitionId)?.id === role.id
    )
      return { status: 201, body: assignmentBody(existing, iso) };
    throw new ArmError(
      409,
      "RoleAssignmentUpdateNotPermitted",
      "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    );
  }
  const dup = [...ctx.store.roleAssignments.values()].find(
    (a) =>
      a.scope.toLowerCase() === scope.toLowerCase().replace(/\/+$/, "") &&
      a.principalId.toLowerCase() === principalId.toLowerCase() &&
      findRoleDefinition(a.roleDefinitionId)?.id === role.id,
  );
  if (dup) throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.");
  const a = ctx.store.addRoleAssignment({
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: role.id,
    principalId,
    principalType: String(p.principalType ?? "User"),
    createdBy: ctx.caller.oid,
  });
  return { status: 201, body: assignmentBody(a, iso) };
}

/** roleAssignments/write at scope; Key Vault Data Access Administrator may only hand out Key Vault roles (its ABAC condition). */
function authorizeAssign(ctx: ArmContext, scope: string, role: RoleDefinition): void {
  const action = "Microsoft.Authorization/roleAssignments/write";
  const mine = [...ctx.store.roleAssignments.values()].filter((a) => {
    const r = findRoleDefinition(a.roleDefinitionId);
    return !r?.assignableRoleIds || r.assignableRoleIds.includes(role.id);
  });
  if (
    findGrantingAssignment(mine, {
      principalId: ctx.caller.oid,
      tenantId: ctx.caller.tid,
      scope,
      action,
      data: false,
    })
  )
    return;
  authorize(ctx.store, ctx.caller, scope, action);
  throw new ArmError(
    403,
    "AuthorizationFailed",
    `The client '${ctx.caller.display}' with object id '${ctx.caller.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials. (The condition of the caller's role assignment does not allow assigning role '${role.roleName}'.)`,
  );
}

export function roleDefinitions(ctx: ArmContext, scope: string, name: string | undefined): ArmResponse {
  if (name) {
    const r = findRoleDefinition(name);
    if (!r)
      throw new ArmError(
        404,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${name}' does not exist.`,
      );
    return { status: 200, body: roleBody(scope, r) };
  }
  const { roleName } = filterOf(ctx.query);
  const value = BUILT_IN_ROLES.filter(
    (r) => !roleName || r.roleName.toLowerCase() === roleName.toLowerCase(),
  ).map((r) => roleBody(scope, r));
  return { status: 200, body: { value } };
}
