import type { Federation, FederationResult } from "../core/federation.js";
import type { Emulator } from "../emulator.js";
import { TOKEN_EXCHANGE_AUDIENCE } from "../core/first-party.js";
import { issueManagedIdentityToken } from "../msi/issue.js";
import { JWT_BEARER } from "./client-auth.js";
import { AadError } from "./errors.js";
import { clientCredentialsGrant } from "./grants/client-credentials.js";
import { resourceToScope } from "./scopes.js";
import type { EntraState } from "./state.js";
import { resolveTenantSegment } from "./tenant.js";

/**
 * The chain an Azure service runs for a cross-tenant CMK (docs/azure-contracts.md §1), through the same
 * code as the HTTP endpoints: MI token for api://AzureADTokenExchange → client_credentials in the key's tenant.
 */
export function createFederation(emu: Emulator, state: EntraState): Federation {
  return {
    async acquireForUami({
      uamiResourceId,
      federatedClientId,
      tenantId,
      resource,
    }): Promise<FederationResult> {
      try {
        const uami = emu.directory.getUamiByResourceId(uamiResourceId);
        if (!uami)
          throw new AadError(
            "invalid_request",
            700016,
            `Managed identity '${uamiResourceId}' was not found.`,
          );
        const assertion = await issueManagedIdentityToken(emu, uami, TOKEN_EXCHANGE_AUDIENCE);
        const body = {
          grant_type: "client_credentials",
          client_id: federatedClientId,
          scope: resourceToScope(resource),
          client_assertion_type: JWT_BEARER,
          client_assertion: assertion.token,
        };
        const seg = resolveTenantSegment(emu, tenantId);
        const result = await clientCredentialsGrant({
          emu,
          state,
          seg,
          body,
          creds: { clientId: federatedClientId, assertion: assertion.token, assertionType: JWT_BEARER },
        });
        const accessToken = String(result.body.access_token);
        return { ok: true, accessToken, claims: await emu.tokens.verify(accessToken) };
      } catch (e) {
        if (!(e instanceof AadError)) throw e;
        return { ok: false, aadsts: e.code, error: e.error, description: e.message };
      }
    },
  };
}
