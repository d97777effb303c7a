import "server-only";
import { versionlessUri } from "./common";
import { cosmosDbAccountModule, cosmosDefaultIdentity } from "./cosmos-db-account";
import type { ArmWrite, CmkIdentity, CmkKeyRef } from "./types";

/**
 * A new Cosmos DB account encrypted with the customer's key from its first byte (docs/azure-contracts.md §5.2, the documented
 * cross-tenant path): identity, versionless keyVaultKeyUri and the federated defaultIdentity in the create call.
 */
export function planCosmosAccountWithKey(input: {
  id: string;
  location: string;
  key: CmkKeyRef;
  identity: CmkIdentity;
}): ArmWrite {
  return {
    method: "PUT",
    id: input.id,
    apiVersion: cosmosDbAccountModule.apiVersion,
    description: `Create the Cosmos DB account encrypted with the customer's key ${input.key.keyName} from the start.`,
    body: {
      location: input.location,
      kind: "GlobalDocumentDB",
      identity: { type: "UserAssigned", userAssignedIdentities: { [input.identity.uamiResourceId]: {} } },
      properties: {
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: input.location, failoverPriority: 0, isZoneRedundant: false }],
        keyVaultKeyUri: versionlessUri(input.key),
        defaultIdentity: cosmosDefaultIdentity(input.identity),
      },
    },
  };
}
