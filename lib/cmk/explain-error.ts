import "server-only";
import type { ResourceKind } from "@/lib/generated/prisma/enums";

export interface ExplainedError {
  what: string;
  todo: string;
  /** Azure's own code, kept beside the words (for Cosmos DB sub-statuses, e.g. "BadRequest (4002)"). */
  azureCode: string;
}

type Words = Omit<ExplainedError, "azureCode">;
interface Context {
  message: string;
  kind: ResourceKind;
  customerPage: string;
}

/** The built-in role that lets the app's identity write each resource type (§6.1, §4.4). */
const WRITER_ROLE: Record<ResourceKind, string> = {
  STORAGE_ACCOUNT: "Storage Account Contributor",
  COSMOS_DB_ACCOUNT: "DocumentDB Account Contributor",
  DISK_ENCRYPTION_SET: "Contributor",
  SQL_SERVER: "SQL Server Contributor",
  SQL_DATABASE: "SQL DB Contributor",
};

const keyAccess = (c: Context): Words => ({
  what: "Azure could not use the customer's key: the app's role on the key is missing or was removed, or the customer's tenant refused the app's federated sign-in.",
  todo: `Ask the customer to check the role assignment on their key (Key Vault Crypto Service Encryption User for the app; ${c.customerPage} verifies it live), then apply again.`,
});
const keyDisabled = (): Words => ({
  what: "The customer's key is disabled.",
  todo: "Ask the customer to enable the key, or to hand over another one.",
});
const keyGone = (): Words => ({
  what: "The customer's key or vault no longer exists (or the URI names one that never did).",
  todo: "Ask the customer for the current key URI and verify it again.",
});
const keyDates = (): Words => ({
  what: "The customer's key is expired or not yet valid.",
  todo: "Ask the customer to extend the key's expiry (or remove its activation date), or to rotate it.",
});
const purge = (): Words => ({
  what: "The customer's vault has no purge protection, which Azure requires for customer-managed keys.",
  todo: "Ask the customer to enable purge protection on the vault (their onboarding page shows the command).",
});
const keyType = (c: Context): Words => ({
  what: `Azure refused the key for this service: ${c.message}`,
  todo:
    c.kind === "SQL_SERVER" || c.kind === "SQL_DATABASE"
      ? "Azure SQL takes RSA keys of 2048 or 3072 bits only; ask the customer for an RSA 3072 key."
      : "Ask the customer for an RSA 3072 key.",
});
const region = (c: Context): Words => ({
  what: `The customer's vault is in another region than the resource: ${c.message}`,
  todo: "Disk encryption sets need the vault in the resource's region; ask the customer for a key in a vault there.",
});
const vaultMissing = (): Words => ({
  what: "The customer's vault does not exist: its name does not resolve.",
  todo: "Ask the customer for the current key URI (the vault may have been deleted or renamed) and verify it again.",
});
const cosmosVault = (): Words => ({
  what: "Cosmos DB could not reach the customer's key: the key was not found, the account's default identity lacks the app's federated client ID, or the app was removed from the customer's tenant.",
  todo: "Ask the customer to check that the key exists and the app is still consented (their onboarding page verifies both), then apply again.",
});
const firewall = (): Words => ({
  what: "The customer's vault firewall blocks the Azure service.",
  todo: 'Ask the customer to allow trusted Microsoft services ("bypass: AzureServices") on the vault, then apply again.',
});
const identity = (): Words => ({
  what: "The resource does not carry the encryption identity Azure needs to reach the key.",
  todo: "Apply again (the plan adds the identity); if it persists, check CMK_UAMI_RESOURCE_ID names an existing identity.",
});

/** Cosmos DB sub-status codes (§4.2) in its BadRequest messages and customerManagedKeyStatus. */
const COSMOS_SUBSTATUS: Record<string, (c: Context) => Words> = {
  "4000": keyAccess,
  "4002": keyAccess,
  "4003": keyGone,
  "4005": (c) => ({
    what: `Cosmos DB could not wrap or unwrap with the customer's key (disabled, expired or not RSA): ${c.message}`,
    todo: "Ask the customer to check that the key is an enabled, unexpired RSA key.",
  }),
  "4006": keyGone,
  "4009": keyGone,
  "4015": identity,
  "4016": firewall,
  "4017": keyGone,
};

// Exact codes the services (and the emulator, emulator/COVERAGE.md) return, most specific first.
const BY_CODE: [RegExp, (c: Context) => Words][] = [
  [
    /^LinkedAuthorizationFailed$/,
    () => ({
      what: "The app may not attach the encryption identity to resources.",
      todo: "Give the app's managed identity the Managed Identity Operator role on the encryption identity.",
    }),
  ],
  [
    /^AuthorizationFailed$/,
    (c) => ({
      what: "The app's identity may not change this resource.",
      todo: `Give the app's managed identity ${WRITER_ROLE[c.kind]} (or Contributor) on the resource or its resource group.`,
    }),
  ],
  [/^(KeyVaultPolicyError|SecurityInvalidAzureKeyVaultRecoveryLevel)$/, purge],
  [/^AkvHostNotResolvingFromNode$/, vaultMissing],
  [/^ForbiddenByFirewall$/, firewall],
  [
    /^(KeyVaultAuthenticationFailure|KeyVaultAccessForbidden|AzureKeyVaultMissingPermissions|UmiMissingAkvPermissions|AdalServicePrincipalNotFound|AdalGenericError|AzureKeyVaultConnectionFailed)$/,
    (c) => (/firewall|network/i.test(c.message) ? firewall() : keyAccess(c)),
  ],
  [/^(KeyVaultEncryptionKeyNotEnabled|AzureKeyVaultKeyDisabled|KeyDisabled)$/, keyDisabled],
  [
    /^(KeyVaultEncryptionKeyExpired|AzureKeyVaultInvalidExpirationDate|AzureKeyVaultInvalidActivationDate)$/,
    keyDates,
  ],
  [
    /^(KeyVaultEncryptionKeyNotFound|KeyVaultVaultNotFound|KeyVaultKeyNotFound|KeyVaultNotFound|AzureKeyVaultKeyNameNotFound|AzureKeyVaultMalformedVaultUri|AzureKeyVaultInvalidUri|InvalidValuesForRequestParameters)$/,
    keyGone,
  ],
  [
    /^(KeyVaultKeyTypeNotSupported|AzureKeyVaultRsaKeyNotSupported|KeyTypeNotSupported|KeySizeNotSupported)$/,
    keyType,
  ],
  [
    /^(AzureKeyVaultNoServerIdentity|InvalidPrimaryUserAssignedIdentityId|FailedIdentityOperation|InvalidIdentity)$/,
    identity,
  ],
  // Database-level TDE (docs/azure-contracts.md §5.6; the error list of DatabaseEncryptionProtectorRevert.json).
  [
    /^RevertDatabaseLevelKeyOnlySupportedWithSMK$/,
    () => ({
      what: "Azure reverts a database to its server's protector only while the server itself uses a service-managed key; this server has a customer-managed key of its own.",
      todo: "Change the database to another customer key instead, or switch the server's protector back to service-managed first, then revert again.",
    }),
  ],
  [
    /^DatabaseLevelEncryptionProtectorDoesNotExist$/,
    () => ({
      what: "The database has no key of its own: it already uses its server's protector.",
      todo: "Nothing to revert; refresh the resource to see its state.",
    }),
  ],
  [
    /^(PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary|PerDatabaseCMKAKVKeyUriMissingOnGeoSecondary)$/,
    (c) => ({
      what: `The database has a geo-secondary that does not hold the customer's key, and every database of a geo-replication must: ${c.message}`,
      todo: "Assign the geo-secondary database (on the partner server) to the same customer and apply the key to it first (Crosskey only adds the key there), then apply to this database again.",
    }),
  ],
  [
    /^(PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeys\w*|PerDatabaseCMKMissingIdentityOnGeoSecondaryDatabase|SecurityAzureKeyVaultGeoChainError)$/,
    (c) => ({
      what: `Azure refused a geo-secondary or copy of a database with its own key: ${c.message}`,
      todo: "Create the secondary with the primary's identity, federated client ID and keys (docs/azure-contracts.md §5.6), from the primary itself, not from another secondary.",
    }),
  ],
  [
    /^UpdateNotAllowedInCurrentReplicationState$/,
    () => ({
      what: "The database is a geo-secondary: its protector is its primary's, replicated, and cannot be set or reverted on the secondary.",
      todo: "Apply, rotate or revert the key on the primary database.",
    }),
  ],
  [
    /^(MultipleIdentitiesOnDatabase|InvalidNumberOfIdentities|CannotAssignIdentityToMaster)$/,
    (c) => ({
      what: `Azure refused the database's identity: ${c.message}`,
      todo: "A database takes one user-assigned identity (and master none): remove the other identity from the database, then apply again.",
    }),
  ],
  [
    /^(SubscriptionRequestsThrottled|TooManyRequests|RetryableErrorDueToAnotherOperation)$/,
    () => ({
      what: "Azure is throttling writes to this subscription.",
      todo: "Nothing: the job waits as long as Azure asks and tries again.",
    }),
  ],
  [
    /^(AnotherOperationInProgress|Conflict)$/,
    () => ({
      what: "Another change to this resource is still running in Azure.",
      todo: "Nothing: the job tries again once Azure has finished.",
    }),
  ],
  [
    /^(ResourceNotFound|ResourceGroupNotFound|ParentResourceNotFound)$/,
    () => ({
      what: "The resource no longer exists in Azure (or the app's identity cannot see it).",
      todo: "Check the resource in the portal; remove it from the inventory if it was deleted.",
    }),
  ],
  [
    /^(InternalServerError|ServiceUnavailable|GatewayTimeout)$/,
    () => ({
      what: "Azure had an internal error.",
      todo: "Nothing at first: the job tries again; if it keeps failing, check Azure's status page.",
    }),
  ],
  [
    /^(OperationFailed|Failed|Canceled)$/,
    (c) => ({
      what: `Azure accepted the change but its long-running operation ended without success: ${c.message}`,
      todo: "Check the resource's activity log in the portal, then apply again.",
    }),
  ],
];

// DiskRP answers most key refusals as InvalidParameter; the message tells which (COVERAGE.md).
const BY_MESSAGE: [RegExp, (c: Context) => Words][] = [
  [/same region|region/i, region],
  [/purge protection|recoverable/i, purge],
  [/RSA|key size|key type/i, keyType],
  [/disabled/i, keyDisabled],
  [/expir|activation/i, keyDates],
  [
    /versioned key URL|version/i,
    (c) => ({
      what: `Azure refused the key URI's version: ${c.message}`,
      todo: "Apply again with the verified version; if it persists, report it to the Crosskey team.",
    }),
  ],
];

/**
 * Azure's error for an apply, in words for the operator, with Azure's own code kept beside it.
 * `customerPage` names where the customer checks their key (their onboarding page), when the caller knows it.
 */
export function explainCmkError(
  error: { code: string; message: string },
  kind: ResourceKind,
  options: { customerPage?: string } = {},
): ExplainedError {
  const c: Context = {
    message: error.message,
    kind,
    customerPage: options.customerPage ?? "their Crosskey onboarding page",
  };
  const substatus = /\((?:sub-status )?(4\d{3})\)/.exec(error.message)?.[1];
  if (substatus && COSMOS_SUBSTATUS[substatus])
    return { ...COSMOS_SUBSTATUS[substatus](c), azureCode: `${error.code} (${substatus})` };
  if (/Error contacting the Azure Key Vault resource/.test(error.message))
    return { ...cosmosVault(), azureCode: error.code };
  for (const [pattern, explain] of BY_CODE)
    if (pattern.test(error.code)) return { ...explain(c), azureCode: error.code };
  if (/^(InvalidParameter|BadRequest)$/.test(error.code))
    for (const [pattern, explain] of BY_MESSAGE)
      if (pattern.test(error.message)) return { ...explain(c), azureCode: error.code };
  return {
    what: `Azure refused the change: ${error.message}`,
    todo: "Check the resource in the portal; apply again once the cause is fixed.",
    azureCode: error.code,
  };
}
