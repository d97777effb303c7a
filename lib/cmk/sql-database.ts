import "server-only";
import { z } from "zod";
import {
  armBodySchema,
  driftOf,
  identityProblems,
  identityWith,
  isRunning,
  keyTypeProblems,
  parseArmBody,
  versionedUri,
  versionOf,
} from "./common";
import type { CmkModule } from "./types";

const API = "2023-08-01";

/** §5.6: the database's own protector, read from the database itself. */
const databaseBodySchema = armBodySchema(
  z.looseObject({
    encryptionProtector: z.string().nullish(),
    encryptionProtectorAutoRotation: z.boolean().nullish(),
    keys: z.record(z.string(), z.unknown()).nullish(),
    provisioningState: z.string().nullish(),
  }),
);

/**
 * Azure SQL TDE per database (docs/azure-contracts.md §5.6): one PATCH of the database gives it the
 * encryption identity, the federated client ID of the multi-tenant app, the customer's key (versioned, as
 * SQL requires) and makes that key the database's encryption protector.
 */
export const sqlDatabaseModule: CmkModule = {
  kind: "SQL_DATABASE",
  apiVersion: API,
  label: "SQL database",
  check: ({ key, identity }) => [
    ...keyTypeProblems(key, "Azure SQL", [2048, 3072]),
    ...identityProblems(identity),
  ],
  plan: ({ resource, key, identity }) => {
    const uri = versionedUri(key);
    const version = key.keyVersion ?? key.verifiedVersion;
    return [
      {
        method: "PATCH",
        id: resource.id,
        apiVersion: API,
        description: `Give the database the encryption identity and the federated client ID of the multi-tenant app, and make the customer's key ${key.keyName} (version ${version}) its TDE protector${key.keyVersion ? "" : ", with auto-rotation to new versions"}.`,
        body: {
          identity: identityWith(resource.body, identity),
          properties: {
            federatedClientId: identity.federatedClientId,
            keys: { [uri]: {} },
            encryptionProtector: uri,
            encryptionProtectorAutoRotation: key.keyVersion === null,
          },
        },
      },
    ];
  },
  // §5.6: going back to the server's protector is its own POST (`…/encryptionProtector/current/revert`),
  // which the pipeline's PUT/PATCH writes cannot express yet.
  planRevert: () => [],
  revertNote:
    "A database goes back to its server's TDE protector through Azure's database encryption-protector revert operation, which Crosskey does not send yet.",
  observe(body, expected) {
    const parsed = parseArmBody(databaseBodySchema, body, "SQL database");
    const p = parsed.properties ?? {};
    const keyUri = p.encryptionProtector ?? null;
    const keyVersion = versionOf(keyUri);
    if (isRunning(parsed))
      return {
        state: "PENDING",
        keyUri,
        keyVersion,
        detail: "Azure is still changing the database's protector.",
      };
    if (!keyUri)
      return {
        state: "MICROSOFT_MANAGED",
        keyUri: null,
        keyVersion: null,
        detail: "The database uses its server's TDE protector.",
      };
    const drift = driftOf(keyUri, keyVersion, expected);
    if (drift) return { ...drift, detail: `The database's TDE protector: ${drift.detail}` };
    return {
      state: "APPLIED",
      keyUri,
      keyVersion,
      detail: `Database TDE protector ${keyUri}${p.encryptionProtectorAutoRotation ? ", rotating automatically" : ""}.`,
    };
  },
};
