import "server-only";
import { z } from "zod";
import {
  armBodySchema,
  isRunning,
  observeKeyUri,
  parseArmBody,
  sameKey,
  versionedUri,
  versionOf,
} from "./common";
import { SQL_API, sqlKeyCheck } from "./sql-server";
import type { CmkInput, CmkModule, CmkProblem } from "./types";

/** §5.6: the database's own protector, keys and replication role, read from the database itself. */
const databaseBodySchema = armBodySchema(
  z.looseObject({
    encryptionProtector: z.string().nullish(),
    encryptionProtectorAutoRotation: z.boolean().nullish(),
    keys: z.record(z.string(), z.unknown()).nullish(),
    secondaryType: z.string().nullish(),
    status: z.string().nullish(),
    provisioningState: z.string().nullish(),
  }),
);
const readDatabase = (body: unknown) => databaseBodySchema.catch({}).parse(body ?? {});
/** A geo-secondary's protector is its primary's, replicated: the secondary only holds the keys (§5.6). */
const isGeoSecondary = (body: unknown) =>
  readDatabase(body).properties?.secondaryType?.toLowerCase() === "geo";

/** What Azure refuses on the database itself, said before any write (Databases.json error list, §5.6). */
function databaseProblems({ resource, identity }: CmkInput): CmkProblem[] {
  if (/\/databases\/master$/i.test(resource.id))
    return [
      {
        code: "CannotAssignIdentityToMaster",
        message: "master is the server's system database: it always uses the server's protector.",
      },
    ];
  const others = Object.keys(readDatabase(resource.body).identity?.userAssignedIdentities ?? {}).filter(
    (id) => id.toLowerCase() !== identity.uamiResourceId.toLowerCase(),
  );
  return others.length
    ? [
        {
          code: "MultipleIdentitiesOnDatabase",
          message: `The database already has the user-assigned identity ${others[0]}, and a database takes only one; remove it from the database (or make it Crosskey's encryption identity) first.`,
        },
      ]
    : [];
}

/**
 * Azure SQL TDE per database (docs/azure-contracts.md §5.6): one PATCH of the database gives it the
 * encryption identity (a database takes exactly one), the federated client ID of the multi-tenant app, the
 * customer's key (versioned, as SQL requires) and, on a primary, makes that key the database's protector.
 * Revert is Azure's own action on the database's encryption protector: back to the server's protector.
 */
export const sqlDatabaseModule: CmkModule = {
  kind: "SQL_DATABASE",
  apiVersion: SQL_API,
  label: "SQL database",
  check: (input) => [...sqlKeyCheck(input), ...databaseProblems(input)],
  plan: ({ resource, key, identity }) => {
    const uri = versionedUri(key);
    const version = key.keyVersion ?? key.verifiedVersion;
    const secondary = isGeoSecondary(resource.body);
    return [
      {
        method: "PATCH",
        id: resource.id,
        apiVersion: SQL_API,
        description: secondary
          ? `Give the geo-secondary the encryption identity, the federated client ID of the multi-tenant app and the customer's key ${key.keyName} (version ${version}), so that its primary may use that key (a secondary's protector is its primary's).`
          : `Give the database the encryption identity and the federated client ID of the multi-tenant app, and make the customer's key ${key.keyName} (version ${version}) its TDE protector${key.keyVersion ? "" : ", with auto-rotation to new versions"}.`,
        body: {
          identity: { type: "UserAssigned", userAssignedIdentities: { [identity.uamiResourceId]: {} } },
          properties: {
            federatedClientId: identity.federatedClientId,
            keys: { [uri]: {} },
            ...(secondary
              ? {}
              : { encryptionProtector: uri, encryptionProtectorAutoRotation: key.keyVersion === null }),
          },
        },
      },
    ];
  },
  // DatabaseEncryptionProtectorRevert.json: Azure allows it only while the server's own protector is service-managed.
  planRevert: ({ resource }) => [
    {
      method: "POST",
      id: `${resource.id}/encryptionProtector/current/revert`,
      apiVersion: SQL_API,
      description:
        "Revert the database to its server's TDE protector (Azure allows this while the server uses a service-managed key).",
      body: {},
    },
  ],
  observe(body, expected) {
    const parsed = parseArmBody(databaseBodySchema, body, "SQL database");
    const p = parsed.properties ?? {};
    if (isGeoSecondary(body) && expected) {
      // A secondary is ready when it holds the customer's key; its protector follows the primary.
      const held = Object.keys(p.keys ?? {}).find((uri) => sameKey(uri, expected)) ?? null;
      return observeKeyUri({
        running: isRunning(parsed),
        keyUri: held,
        keyVersion: versionOf(held),
        expected,
        pending: "Azure is still changing the geo-secondary.",
        none: "The geo-secondary does not hold the customer's key: its primary cannot move to that key yet.",
        applied: () =>
          `Geo-secondary holding the customer's key; protector ${p.encryptionProtector ?? "the server's"}, replicated from the primary.`,
      });
    }
    const keyUri = p.encryptionProtector ?? null;
    if (keyUri && p.status?.toLowerCase() === "inaccessible")
      return {
        state: "FAILED",
        keyUri,
        keyVersion: versionOf(keyUri),
        detail: `The database is inaccessible: Azure SQL cannot reach its protector ${keyUri}. It comes back once the key is reachable again.`,
        azureStatus: p.status,
      };
    return observeKeyUri({
      running: isRunning(parsed),
      keyUri,
      keyVersion: versionOf(keyUri),
      expected,
      pending: "Azure is still changing the database's protector.",
      none: "The database uses its server's TDE protector.",
      driftPrefix: "The database's TDE protector: ",
      applied: () =>
        `Database TDE protector ${keyUri}${p.encryptionProtectorAutoRotation ? ", rotating automatically" : ""}.`,
    });
  },
};
