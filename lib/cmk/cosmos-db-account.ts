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

/** The fields of §4.2 that tell the account's state and the limits of CMK on an existing account. */
const cosmosBodySchema = armBodySchema(
  z.looseObject({
    provisioningState: z.string().optional(),
    keyVaultKeyUri: z.string().nullish(),
    keyVaultKeyUriVersion: z.string().nullish(),
    customerManagedKeyStatus: z.string().nullish(),
    defaultIdentity: z.string().nullish(),
    enableAnalyticalStorage: z.boolean().nullish(),
    backupPolicy: z.looseObject({ type: z.string().optional() }).nullish(),
    capabilities: z.array(z.looseObject({ name: z.string().optional() })).nullish(),
  }),
);

export const cosmosDefaultIdentity = (identity: CmkIdentity) =>
  `UserAssignedIdentity=${identity.uamiResourceId}&FederatedClientId=${identity.federatedClientId}`;

/** Limits of cross-tenant CMK on an existing account (§4.2: continuous backup, Synapse Link, Cassandra). */
function accountProblems(body: unknown): CmkProblem[] {
  const p = cosmosBodySchema.catch({}).parse(body ?? {}).properties;
  const problems: CmkProblem[] = [];
  if (p?.backupPolicy?.type?.toLowerCase() === "continuous")
    problems.push({
      code: "ContinuousBackupNotSupported",
      message:
        "The account uses continuous backup, which cross-tenant customer-managed keys do not support; switch it to periodic backup first.",
    });
  if (p?.enableAnalyticalStorage)
    problems.push({
      code: "AnalyticalStoreNotSupported",
      message:
        "The account has Azure Synapse Link (analytical store), which cross-tenant keys do not support.",
    });
  if (p?.capabilities?.some((c) => c.name?.toLowerCase() === "enablecassandra"))
    problems.push({
      code: "CassandraNotSupported",
      message:
        "An existing API for Cassandra account cannot be switched to a customer-managed key; create a new account with the key.",
    });
  return problems;
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
          defaultIdentity: cosmosDefaultIdentity(identity),
        },
      },
    },
  ],
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
