import "server-only";
import { z } from "zod";
import {
  armBodySchema,
  driftOf,
  identityWith,
  isRunning,
  keyAndIdentityCheck,
  parseArmBody,
  versionlessUri,
} from "./common";
import type { CmkIdentity, CmkModule, CmkProblem } from "./types";

const API = "2025-10-15";

/** The fields of §5.2 that tell the account's state and the limits of CMK on an existing account. */
const cosmosBodySchema = armBodySchema(
  z.looseObject({
    provisioningState: z.string().optional(),
    keyVaultKeyUri: z.string().nullish(),
    keyVaultKeyUriVersion: z.string().nullish(),
    customerManagedKeyStatus: z.string().nullish(),
    defaultIdentity: z.string().nullish(),
    enableAnalyticalStorage: z.boolean().nullish(),
    enableMaterializedViews: z.boolean().nullish(),
    backupPolicy: z.looseObject({ type: z.string().optional() }).nullish(),
    capabilities: z.array(z.looseObject({ name: z.string().optional() })).nullish(),
  }),
);
const propertiesOf = (body: unknown) => cosmosBodySchema.catch({}).parse(body ?? {}).properties ?? {};
const hasCapability = (p: ReturnType<typeof propertiesOf>, name: string) =>
  p.capabilities?.some((c) => c.name?.toLowerCase() === name.toLowerCase()) ?? false;

export const cosmosDefaultIdentity = (identity: CmkIdentity) =>
  `UserAssignedIdentity=${identity.uamiResourceId}&FederatedClientId=${identity.federatedClientId}`;

/**
 * Limits of CMK on an existing account (§5.2; Microsoft Learn, "Configure customer-managed keys for your existing
 * Azure Cosmos DB account", Known limitations): not for the API for Apache Cassandra, materialized views, or vector search.
 */
function accountProblems(body: unknown): CmkProblem[] {
  const p = propertiesOf(body);
  if (p.keyVaultKeyUri) return [];
  const problems: CmkProblem[] = [];
  if (hasCapability(p, "EnableCassandra"))
    problems.push({
      code: "CassandraNotSupported",
      message:
        "An existing API for Cassandra account cannot be switched to a customer-managed key; create a new account with the key.",
    });
  if (p.enableMaterializedViews)
    problems.push({
      code: "MaterializedViewsNotSupported",
      message:
        "The account has materialized views, with which a customer-managed key cannot be turned on for an existing account.",
    });
  if (hasCapability(p, "EnableNoSQLVectorSearch"))
    problems.push({
      code: "VectorSearchNotSupported",
      message:
        "The account has vector search, with which a customer-managed key cannot be turned on for an existing account.",
    });
  return problems;
}

/**
 * The same page: an existing account with continuous backup or analytical store takes the key in steps — identity,
 * then defaultIdentity, then keyVaultKeyUri alone. Cross-tenant, the defaultIdentity carries `&FederatedClientId`
 * (Learn, "Configure cross-tenant customer-managed keys … Azure Cosmos DB", which documents it for new accounts
 * only; combining the two pages is Crosskey's reading, emulator/COVERAGE.md).
 */
function needsOrderedEnable(body: unknown): boolean {
  const p = propertiesOf(body);
  return (
    !p.keyVaultKeyUri && (p.backupPolicy?.type?.toLowerCase() === "continuous" || !!p.enableAnalyticalStorage)
  );
}

/** Azure Cosmos DB (docs/azure-contracts.md §5.2): versionless keyVaultKeyUri + defaultIdentity naming the federated client. */
export const cosmosDbAccountModule: CmkModule = {
  kind: "COSMOS_DB_ACCOUNT",
  apiVersion: API,
  label: "Cosmos DB account",
  check: (input) => [
    ...keyAndIdentityCheck("Azure Cosmos DB", [2048, 3072, 4096])(input),
    ...accountProblems(input.resource.body),
  ],
  plan: ({ resource, key, identity }) => {
    const encrypt = `Encrypt the Cosmos DB account with the customer's key ${key.keyName} (versionless: Cosmos DB follows new versions). Azure re-encrypts in the background; this cannot be undone.`;
    // Cosmos DB refuses a versioned URI; it always uses the key's newest version.
    const keyVaultKeyUri = versionlessUri(key);
    const defaultIdentity = cosmosDefaultIdentity(identity);
    if (needsOrderedEnable(resource.body))
      return [
        {
          method: "PATCH",
          id: resource.id,
          apiVersion: API,
          description:
            "Give the Cosmos DB account the encryption identity (continuous backup or analytical store: Azure takes the key only after its identity and default identity are set, each on its own).",
          body: { identity: identityWith(resource.body, identity) },
        },
        {
          method: "PATCH",
          id: resource.id,
          apiVersion: API,
          description: "Make the encryption identity, with the ISV's app, the account's default identity.",
          body: { properties: { defaultIdentity } },
        },
        {
          method: "PATCH",
          id: resource.id,
          apiVersion: API,
          description: encrypt,
          body: { properties: { keyVaultKeyUri } },
        },
      ];
    return [
      {
        method: "PATCH",
        id: resource.id,
        apiVersion: API,
        description: encrypt,
        body: {
          identity: identityWith(resource.body, identity),
          properties: { keyVaultKeyUri, defaultIdentity },
        },
      },
    ];
  },
  planRevert: () => [],
  revertNote:
    "Azure Cosmos DB cannot go back to Microsoft-managed keys once a customer-managed key is set; revoke access at the key instead.",
  observe(body, expected) {
    const parsed = parseArmBody(cosmosBodySchema, body, "Cosmos DB account");
    const p = parsed.properties ?? {};
    const keyUri = p.keyVaultKeyUri ?? null;
    const keyVersion = p.keyVaultKeyUriVersion?.toLowerCase() ?? null;
    const status = p.customerManagedKeyStatus ?? undefined;
    if (isRunning(parsed))
      return {
        state: "PENDING",
        keyUri,
        keyVersion,
        detail: "Azure is still applying the key (background encryption).",
        azureStatus: status,
      };
    if (!keyUri)
      return {
        state: "MICROSOFT_MANAGED",
        keyUri: null,
        keyVersion: null,
        detail: "Encrypted with Microsoft-managed keys.",
      };
    // "Access to your account is currently revoked because …; … (40xx)." (§4.2 spec enum)
    if (status && /revoked/i.test(status)) {
      const code = /\((4\d{3})\)/.exec(status)?.[1];
      return {
        state: "FAILED",
        keyUri,
        keyVersion,
        detail: `Cosmos DB has lost access to the customer's key${code ? ` (code ${code})` : ""}: ${status}`,
        azureStatus: status,
      };
    }
    // Cosmos DB follows the newest version, so only a different vault or key is drift.
    const drift = driftOf(keyUri, keyVersion, expected && { ...expected, keyVersion: null });
    if (drift) return { ...drift, azureStatus: status };
    return {
      state: "APPLIED",
      keyUri,
      keyVersion,
      detail: status ?? `Encrypted with ${keyUri}.`,
      azureStatus: status,
    };
  },
};
