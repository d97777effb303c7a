import "server-only";
import { z } from "zod";
import {
  identityWith,
  isRunning,
  keyAndIdentityCheck,
  observeKeyUri,
  parseArmBody,
  versionedUri,
  versionOf,
} from "./common";
import type { CmkModule } from "./types";

/** Microsoft.Sql api-version of servers, server keys and protectors, and of databases (§4.4, §5.4, §5.6). */
export const SQL_API = "2023-08-01";
const API = SQL_API;
/** Azure SQL takes RSA 2048 or 3072 keys, at server and at database level (§5.5). */
export const sqlKeyCheck = keyAndIdentityCheck("Azure SQL", [2048, 3072]);

/** §4.4: the encryption protector's GET is what tells the server's TDE key. */
const protectorBodySchema = z.looseObject({
  properties: z
    .looseObject({
      serverKeyType: z.string().nullish(),
      serverKeyName: z.string().nullish(),
      uri: z.string().nullish(),
      autoRotationEnabled: z.boolean().nullish(),
      provisioningState: z.string().nullish(),
    })
    .optional(),
});

/** `{vault}_{key}_{version}`: the server-key name SQL requires (§4.4). */
export const sqlServerKeyName = (key: { vaultName: string; keyName: string }, version: string) =>
  `${key.vaultName}_${key.keyName}_${version}`;

/**
 * Azure SQL TDE (docs/azure-contracts.md §5.4), in the order Azure requires: the server's identity and
 * federated client first, then the server key, then the encryption protector that uses it.
 */
export const sqlServerModule: CmkModule = {
  kind: "SQL_SERVER",
  apiVersion: API,
  label: "SQL server",
  check: sqlKeyCheck,
  plan: ({ resource, key, identity }) => {
    const version = key.keyVersion ?? key.verifiedVersion;
    const serverKeyName = sqlServerKeyName(key, version);
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
        description: `Register the customer's key ${key.keyName} (version ${version}) as a server key.`,
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
    const parsed = parseArmBody(protectorBodySchema, body, "SQL encryption protector");
    const p = parsed.properties ?? {};
    const keyUri = p.uri ?? null;
    const keyVersion = versionOf(keyUri);
    // With auto-rotation the protector moves to newer versions of the same key by itself.
    return observeKeyUri({
      running: isRunning(parsed),
      managed: !p.serverKeyType || p.serverKeyType.toLowerCase() === "servicemanaged",
      keyUri,
      keyVersion,
      expected,
      pending: "Azure is still changing the TDE protector.",
      none: "TDE uses a service-managed key.",
      driftPrefix: `The TDE protector is ${p.serverKeyName}: `,
      applied: () =>
        `TDE protector ${p.serverKeyName}${p.autoRotationEnabled ? ", rotating automatically" : ""}.`,
    });
  },
};
