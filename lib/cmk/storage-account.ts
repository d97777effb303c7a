import { identityWith, isRunning, keyTypeProblems, props, sameKey, versionOf } from "./common";
import type { CmkModule } from "./types";

const API = "2025-06-01";

/** Azure Storage (AZURE_CONTRACTS §4.1, seed 003): PATCH identity + encryption with federatedIdentityClientId. */
export const storageAccountModule: CmkModule = {
  kind: "STORAGE_ACCOUNT",
  apiVersion: API,
  label: "Storage account",
  check: ({ key }) => keyTypeProblems(key, "Azure Storage", [2048, 3072, 4096]),
  plan: ({ resource, key, identity }) => [
    {
      method: "PATCH",
      id: resource.id,
      apiVersion: API,
      description: key.keyVersion
        ? `Encrypt the storage account with the customer's key ${key.keyName}, version ${key.keyVersion}, reached through the ${identity.uamiResourceId.split("/").at(-1)} identity.`
        : `Encrypt the storage account with the customer's key ${key.keyName}, following new versions automatically (checked daily by Storage).`,
      body: {
        identity: identityWith(resource.body, identity),
        properties: {
          encryption: {
            keySource: "Microsoft.Keyvault",
            // Lower-case names are the wire contract; an empty version means "follow the newest".
            keyvaultproperties: {
              keyname: key.keyName,
              keyvaulturi: key.vaultUri,
              keyversion: key.keyVersion ?? "",
            },
            identity: {
              userAssignedIdentity: identity.uamiResourceId,
              federatedIdentityClientId: identity.federatedClientId,
            },
            services: {
              blob: { enabled: true, keyType: "Account" },
              file: { enabled: true, keyType: "Account" },
            },
          },
        },
      },
    },
  ],
  planRevert: ({ resource }) => [
    {
      method: "PATCH",
      id: resource.id,
      apiVersion: API,
      description: "Switch the storage account back to Microsoft-managed keys.",
      body: {
        properties: {
          encryption: {
            keySource: "Microsoft.Storage",
            services: {
              blob: { enabled: true, keyType: "Account" },
              file: { enabled: true, keyType: "Account" },
            },
          },
        },
      },
    },
  ],
  observe(body, expected) {
    const encryption = (props(body).encryption ?? {}) as {
      keySource?: string;
      keyvaultproperties?: { keyname?: string; keyvaulturi?: string; currentVersionedKeyIdentifier?: string };
    };
    if (isRunning(body))
      return {
        state: "PENDING",
        keyUri: null,
        keyVersion: null,
        detail: "Azure is still applying a change.",
      };
    if (!encryption.keySource || encryption.keySource.toLowerCase() === "microsoft.storage") {
      return {
        state: "MICROSOFT_MANAGED",
        keyUri: null,
        keyVersion: null,
        detail: "Encrypted with Microsoft-managed keys.",
      };
    }
    const kv = encryption.keyvaultproperties ?? {};
    const keyUri =
      kv.currentVersionedKeyIdentifier ??
      `${(kv.keyvaulturi ?? "").replace(/\/$/, "")}/keys/${kv.keyname ?? ""}`;
    const keyVersion = versionOf(kv.currentVersionedKeyIdentifier);
    if (expected && !sameKey(keyUri, expected))
      return { state: "DRIFTED", keyUri, keyVersion, detail: `Uses ${keyUri}, not the customer's key.` };
    return { state: "APPLIED", keyUri, keyVersion, detail: `Encrypted with ${keyUri}.` };
  },
};
