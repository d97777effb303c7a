import "server-only";
import { z } from "zod";
import {
  armBodySchema,
  identityWith,
  isRunning,
  keyAndIdentityCheck,
  observeKeyUri,
  parseArmBody,
  versionOf,
} from "./common";
import type { CmkModule } from "./types";

const API = "2025-06-01";

/** The read-back fields of §4.1; `currentVersionedKeyIdentifier` is the version Storage really uses. */
const storageBodySchema = armBodySchema(
  z.looseObject({
    provisioningState: z.string().optional(),
    encryption: z
      .looseObject({
        keySource: z.string().optional(),
        keyvaultproperties: z
          .looseObject({
            keyname: z.string().nullish(),
            keyvaulturi: z.string().nullish(),
            keyversion: z.string().nullish(),
            currentVersionedKeyIdentifier: z.string().nullish(),
          })
          .nullish(),
      })
      .nullish(),
  }),
);

const SERVICES = {
  blob: { enabled: true, keyType: "Account" },
  file: { enabled: true, keyType: "Account" },
};

/** Azure Storage (docs/azure-contracts.md §5.1): PATCH identity + encryption with federatedIdentityClientId. */
export const storageAccountModule: CmkModule = {
  kind: "STORAGE_ACCOUNT",
  apiVersion: API,
  label: "Storage account",
  // Any region: the account and the vault "can be in different … tenants, regions, and subscriptions" (Microsoft
  // Learn, "Customer-managed keys for Azure Storage encryption").
  check: keyAndIdentityCheck("Azure Storage", [2048, 3072, 4096]),
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
            services: SERVICES,
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
      body: { properties: { encryption: { keySource: "Microsoft.Storage", services: SERVICES } } },
    },
  ],
  observe(body, expected) {
    const parsed = parseArmBody(storageBodySchema, body, "storage account");
    const encryption = parsed.properties?.encryption;
    const cmk = encryption?.keySource?.toLowerCase() === "microsoft.keyvault";
    const kv = encryption?.keyvaultproperties;
    const keyUri = !cmk
      ? null
      : (kv?.currentVersionedKeyIdentifier ??
        `${(kv?.keyvaulturi ?? "").replace(/\/+$/, "")}/keys/${kv?.keyname ?? ""}`);
    const keyVersion = versionOf(kv?.currentVersionedKeyIdentifier) ?? (kv?.keyversion || null);
    return observeKeyUri({
      running: isRunning(parsed),
      keyUri,
      keyVersion,
      expected,
      pending: "Azure is still applying a change.",
      none: "Encrypted with Microsoft-managed keys.",
      applied: () => `Encrypted with ${keyUri}.`,
    });
  },
};
