import "server-only";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { isRestError } from "@azure/core-rest-pipeline";
import { decodeJwt } from "jose";
import { z } from "zod";
import { getCloud } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readResource } from "./arm";
import { getAppCredential } from "./credentials";

/** Microsoft.ManagedIdentity/userAssignedIdentities, api-version 2023-01-31 (azure-rest-api-specs, specification/msi). */
const UAMI_API_VERSION = "2023-01-31";

const uamiSchema = z.object({
  id: z.string(),
  properties: z.object({ clientId: z.string(), principalId: z.string(), tenantId: z.string() }),
});

/** A user-assigned managed identity as ARM shows it; null when it does not exist. */
export async function findUserAssignedIdentity(resourceId: string) {
  try {
    const body = uamiSchema.parse(await readResource(resourceId, UAMI_API_VERSION));
    return { id: body.id, ...body.properties };
  } catch (error) {
    if (isRestError(error) && (error.statusCode === 404 || error.code === "ResourceGroupNotFound"))
      return null;
    throw armFailure(error, `read the identity ${resourceId}`);
  }
}

const clients = new Map<string, AuthorizationManagementClient>();

function getAuthorizationClient(subscriptionId: string): AuthorizationManagementClient {
  let client = clients.get(subscriptionId);
  if (!client) {
    const cloud = getCloud();
    client = new AuthorizationManagementClient(getAppCredential(), subscriptionId, {
      endpoint: cloud.armEndpoint,
      credentialScopes: [cloud.scopes.arm],
    });
    clients.set(subscriptionId, client);
  }
  return client;
}

/** A role assignment reduced to what the checks compare: where it applies and which role (its GUID). */
export interface RoleGrant {
  scope: string;
  roleDefinitionId: string;
}

/**
 * The role assignments of one principal that apply at `scope` (made there, above it, or below it), as
 * `GET {scope}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '…'` (2022-04-01).
 * Null when ARM refuses the caller (403): it then holds no role there that could read them.
 */
export async function listRoleGrants(scope: string, principalId: string): Promise<RoleGrant[] | null> {
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
  const grants: RoleGrant[] = [];
  try {
    for await (const a of getAuthorizationClient(subscriptionId).roleAssignments.listForScope(scope, {
      filter: `principalId eq '${principalId}'`,
    })) {
      grants.push({
        scope: a.scope ?? "",
        roleDefinitionId: (a.roleDefinitionId ?? "").split("/").pop()?.toLowerCase() ?? "",
      });
    }
  } catch (error) {
    if (isRestError(error) && error.statusCode === 403) return null;
    throw armFailure(error, `list role assignments at ${scope}`);
  }
  return grants;
}

/** The object ID of the app's own identity, as its ARM token proves it (the `oid` claim). */
export async function getAppPrincipalId(): Promise<string> {
  const token = await getAppCredential().getToken(getCloud().scopes.arm);
  if (!token) throw new AppError("AZURE", "The app identity got no token for Azure Resource Manager.");
  const oid = decodeJwt(token.token).oid;
  if (typeof oid !== "string") throw new AppError("AZURE", "The app identity's token carries no object ID.");
  return oid.toLowerCase();
}

function armFailure(error: unknown, what: string): unknown {
  if (isRestError(error)) {
    return new AppError("AZURE", `Azure Resource Manager refused to ${what}: ${error.message}`, {
      azureCode: error.code,
      details: { status: error.statusCode },
      cause: error,
    });
  }
  return error;
}
