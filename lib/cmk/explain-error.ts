import type { ResourceKind } from "@/lib/generated/prisma/enums";

export interface ExplainedError {
  what: string;
  todo: string;
  azureCode: string;
}

const BY_CODE: [RegExp, (message: string) => Omit<ExplainedError, "azureCode">][] = [
  [
    /^LinkedAuthorizationFailed$/,
    () => ({
      what: "The app may not attach the encryption identity to resources.",
      todo: "Give the app's managed identity the Managed Identity Operator role on the encryption identity.",
    }),
  ],
  [
    /^AuthorizationFailed$/,
    () => ({
      what: "The app's identity may not change this resource.",
      todo: "Give the app's managed identity Contributor (or the service's contributor role) on the resource or its resource group.",
    }),
  ],
  [
    /^KeyVaultPolicyError$|SoftDeleteAndPurgeProtection/,
    () => ({
      what: "The customer's vault has no purge protection, which Azure requires.",
      todo: "Ask the customer to enable purge protection on the vault (their onboarding page shows the command).",
    }),
  ],
  [
    /KeyVaultAuthenticationFailure|KeyVaultAccessForbidden|AzureKeyVaultMissingPermissions|^4000$|^4002$/,
    () => ({
      what: "Azure could not use the customer's key: the app's role on the key is missing or was removed, or the federated credential failed.",
      todo: "Ask the customer to check the role assignment on their key (their onboarding page verifies it live), then apply again.",
    }),
  ],
  [
    /KeyDisabled|AzureKeyVaultKeyDisabled/,
    () => ({
      what: "The customer's key is disabled.",
      todo: "Ask the customer to enable the key, or to hand over another one.",
    }),
  ],
  [
    /KeyNotFound|KeyNameNotFound|VaultNotFound|^4003$|^4017$/,
    () => ({
      what: "The customer's key or vault no longer exists.",
      todo: "Ask the customer for the current key URI.",
    }),
  ],
  [
    /RsaKeyNotSupported|KeyTypeNotSupported|KeySizeNotSupported|InvalidParameter/,
    (m) => ({
      what: `Azure refused the key for this service: ${m}`,
      todo: "Ask the customer for an RSA 3072 key.",
    }),
  ],
  [
    /Region|Location/i,
    (m) => ({
      what: `Azure refused the key's region: ${m}`,
      todo: "This service needs the customer's vault in the resource's region; ask the customer for a key in that region.",
    }),
  ],
  [
    /SubscriptionRequestsThrottled|TooManyRequests/,
    () => ({
      what: "Azure is throttling writes to this subscription.",
      todo: "Nothing: the job waits as long as Azure asks and tries again.",
    }),
  ],
  [
    /InvalidExpirationDate|Expired/i,
    () => ({
      what: "The customer's key is expired or not yet valid.",
      todo: "Ask the customer to extend the key's expiry or rotate it.",
    }),
  ],
];

/** Azure's error for an apply, in words for the operator, with Azure's own code kept beside it. */
export function explainCmkError(
  error: { code: string; message: string },
  _kind: ResourceKind,
): ExplainedError {
  for (const [pattern, explain] of BY_CODE) {
    if (pattern.test(error.code) || pattern.test(error.message.match(/\((4\d{3})\)/)?.[1] ?? ""))
      return { ...explain(error.message), azureCode: error.code };
  }
  return {
    what: `Azure refused the change: ${error.message}`,
    todo: "Check the resource in the portal; apply again once the cause is fixed.",
    azureCode: error.code,
  };
}
