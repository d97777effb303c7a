import { identityWith, isRunning, keyTypeProblems, props, sameKey, versionlessUri } from "./common";
import type { CmkModule } from "./types";

const API = "2025-10-15";

/** Azure Cosmos DB (AZURE_CONTRACTS §4.2, seed 002): versionless keyVaultKeyUri + defaultIdentity naming the federated client. */
export const cosmosDbAccountModule: CmkModule = {
  kind: "COSMOS_DB_ACCOUNT",
  apiVersion: API,
  label: "Cosmos DB account",
  check: ({ key }) => keyTypeProblems(key, "Azure Cosmos DB", [2048, 3072, 4096]),
  plan: ({ resource, key, identity }) => [
    {
      method: "PATCH",
      id: resource.id,
      apiVersion: API,
      description: `Encrypt the Cosmos DB account with the customer's key ${key.keyName} (versionless: Cosmos DB follows new versions). Azure re-encrypts in the background; this cannot be undone.`,
      body: {
        identity: identityWith(resource.body, identity),
        properties: {
          // Cosmos DB refuses a versioned URI; it always uses the key's newest version.
          keyVaultKeyUri: versionlessUri(key),
          defaultIdentity: `UserAssignedIdentity=${identity.uamiResourceId}&FederatedClientId=${identity.federatedClientId}`,
        },
      },
    },
  ],
  planRevert: () => [],
  revertNote:
    "Azure Cosmos DB cannot go back to Microsoft-managed keys once a customer-managed key is set; revoke access at the key instead.",
  observe(body, expected) {
    const p = props(body) as {
      keyVaultKeyUri?: string;
      keyVaultKeyUriVersion?: string;
      customerManagedKeyStatus?: string;
    };
    if (isRunning(body))
      return {
        state: "PENDING",
        keyUri: p.keyVaultKeyUri ?? null,
        keyVersion: null,
        detail: "Azure is still applying the key (background encryption).",
      };
    if (!p.keyVaultKeyUri)
      return {
        state: "MICROSOFT_MANAGED",
        keyUri: null,
        keyVersion: null,
        detail: "Encrypted with Microsoft-managed keys.",
      };
    const keyVersion = p.keyVaultKeyUriVersion?.toLowerCase() ?? null;
    if (p.customerManagedKeyStatus && /revoked/i.test(p.customerManagedKeyStatus)) {
      return {
        state: "FAILED",
        keyUri: p.keyVaultKeyUri,
        keyVersion,
        detail: p.customerManagedKeyStatus,
        azureStatus: p.customerManagedKeyStatus,
      };
    }
    if (expected && !sameKey(p.keyVaultKeyUri, expected))
      return {
        state: "DRIFTED",
        keyUri: p.keyVaultKeyUri,
        keyVersion,
        detail: `Uses ${p.keyVaultKeyUri}, not the customer's key.`,
      };
    return {
      state: "APPLIED",
      keyUri: p.keyVaultKeyUri,
      keyVersion,
      detail: p.customerManagedKeyStatus ?? `Encrypted with ${p.keyVaultKeyUri}.`,
      azureStatus: p.customerManagedKeyStatus,
    };
  },
};
