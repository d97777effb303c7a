import type { Emulator } from "../emulator.js";
import type { UserAssignedIdentity } from "../core/directory.js";
import { AadError } from "../entra/errors.js";
import { issueAccessToken, type IssuedToken } from "../entra/issue.js";
import { lookupResource } from "../entra/scopes.js";

// Managed identity tokens are valid for about 24 hours (the platform caches and refreshes them).
export const MI_TOKEN_SECONDS = 86_399;

/**
 * A token for a user-assigned identity (docs/azure-contracts.md §2.5): issued by the identity's tenant, `xms_mirid`
 * naming the identity; v1 or v2 by resource, `aud` = the resource as asked (v1) or its app id (v2).
 */
export async function issueManagedIdentityToken(
  emu: Emulator,
  uami: UserAssignedIdentity,
  resource: string,
): Promise<IssuedToken> {
  const found = lookupResource(emu, resource);
  const sp = emu.directory.findServicePrincipal(uami.tenantId, uami.clientId);
  if (!found || !sp) {
    throw new AadError(
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${uami.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const ref = { ...found, audience: found.version === 2 ? found.appId : resource, permissions: [".default"] };
  return issueAccessToken(
    emu,
    { kind: "app", tenantId: uami.tenantId, sp, clientId: uami.clientId, acr: "2", mirid: uami.resourceId },
    ref,
    MI_TOKEN_SECONDS,
  );
}
