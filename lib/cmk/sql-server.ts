import { identityWith, keyTypeProblems, props, sameKey, versionedUri, versionOf } from "./common";
import type { CmkModule } from "./types";

const API = "2023-08-01";

/**
 * Azure SQL TDE (AZURE_CONTRACTS §4.4, seed 000), in the order the seed requires: the server's identity and
 * federated client first, then the server key, then the encryption protector that uses it.
 */
export const sqlServerModule: CmkModule = {
  kind: "SQL_SERVER",
  apiVersion: API,
  label: "SQL server",
  check: ({ key }) => keyTypeProblems(key, "Azure SQL", [2048, 3072]),
  plan: ({ resource, key, identity }) => {
    const serverKeyName = `${key.vaultName}_${key.keyName}_${key.keyVersion ?? key.verifiedVersion}`;
    return [
      {
        method: "PATCH",
        id: resource.id,
        apiVersion: API,
        description:
          "Give the server the encryption identity as its primary identity, with the federated client ID of the multi-tenant app.",
        body: {
          identity: identityWith(resource.body, identity),
          properties: {
            primaryUserAssignedIdentityId: identity.uamiResourceId,
            federatedClientId: identity.federatedClientId,
          },
        },
      },
      {
        method: "PUT",
        id: `${resource.id}/keys/${serverKeyName}`,
        apiVersion: API,
        description: `Register the customer's key ${key.keyName} (version ${key.keyVersion ?? key.verifiedVersion}) as a server key.`,
        body: { properties: { serverKeyType: "AzureKeyVault", uri: versionedUri(key) } },
      },
      {
        method: "PUT",
        id: `${resource.id}/encryptionProtector/current`,
        apiVersion: API,
        description: `Make it the TDE protector${key.keyVersion ? "" : ", with auto-rotation to new versions (within 60 minutes)"}.`,
        body: {
          properties: {
            serverKeyType: "AzureKeyVault",
            serverKeyName,
            autoRotationEnabled: key.keyVersion === null,
          },
        },
      },
    ];
  },
  planRevert: ({ resource }) => [
    {
      method: "PUT",
      id: `${resource.id}/encryptionProtector/current`,
      apiVersion: API,
      description: "Switch the TDE protector back to a service-managed key.",
      body: { properties: { serverKeyType: "ServiceManaged", serverKeyName: "ServiceManaged" } },
    },
  ],
  observeId: (armId) => ({ id: `${armId}/encryptionProtector/current`, apiVersion: API }),
  observe(body, expected) {
    const p = props(body) as { serverKeyType?: string; serverKeyName?: string; uri?: string };
    if (!p.serverKeyType || p.serverKeyType === "ServiceManaged")
      return {
        state: "MICROSOFT_MANAGED",
        keyUri: null,
        keyVersion: null,
        detail: "TDE uses a service-managed key.",
      };
    const keyUri = p.uri ?? null;
    if (expected && !sameKey(keyUri, expected))
      return {
        state: "DRIFTED",
        keyUri,
        keyVersion: versionOf(keyUri),
        detail: `The TDE protector is ${p.serverKeyName}, not the customer's key.`,
      };
    return {
      state: "APPLIED",
      keyUri,
      keyVersion: versionOf(keyUri),
      detail: `TDE protector ${p.serverKeyName}.`,
    };
  },
};
