import { describe, expect, it } from "vitest";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";

const explain = (code: string, message = "M.", kind: ResourceKind = "STORAGE_ACCOUNT") =>
  explainCmkError({ code, message }, kind);

type Words = { what: string; todo: string };

const KEY_ACCESS = {
  what: "Azure could not use the customer's key: the app's role on the key is missing or was removed, or the customer's tenant refused the app's federated sign-in.",
  todo: "Ask the customer to check the role assignment on their key (Key Vault Crypto Service Encryption User for the app; their Crosskey onboarding page verifies it live), then apply again.",
};
const KEY_DISABLED = {
  what: "The customer's key is disabled.",
  todo: "Ask the customer to enable the key, or to hand over another one.",
};
const KEY_GONE = {
  what: "The customer's key or vault no longer exists (or the URI names one that never did).",
  todo: "Ask the customer for the current key URI and verify it again.",
};
const KEY_DATES = {
  what: "The customer's key is expired or not yet valid.",
  todo: "Ask the customer to extend the key's expiry (or remove its activation date), or to rotate it.",
};
const PURGE = {
  what: "The customer's vault has no purge protection, which Azure requires for customer-managed keys.",
  todo: "Ask the customer to enable purge protection on the vault (their onboarding page shows the command).",
};
const FIREWALL = {
  what: "The customer's vault firewall blocks the Azure service.",
  todo: 'Ask the customer to allow trusted Microsoft services ("bypass: AzureServices") on the vault, then apply again.',
};
const IDENTITY = {
  what: "The resource does not carry the encryption identity Azure needs to reach the key.",
  todo: "Apply again (the plan adds the identity); if it persists, check CMK_UAMI_RESOURCE_ID names an existing identity.",
};
const KEY_TYPE = (message: string, kind: ResourceKind = "STORAGE_ACCOUNT") => ({
  what: `Azure refused the key for this service: ${message}`,
  todo:
    kind === "SQL_SERVER"
      ? "Azure SQL takes RSA keys of 2048 or 3072 bits only; ask the customer for an RSA 3072 key."
      : "Ask the customer for an RSA 3072 key.",
});
const REGION = (message: string) => ({
  what: `The customer's vault is in another region than the resource: ${message}`,
  todo: "Disk encryption sets need the vault in the resource's region; ask the customer for a key in a vault there.",
});

describe("[cmk] every code Crosskey explains, word for word", () => {
  it.each<readonly [string, Words]>([
    [
      "LinkedAuthorizationFailed",
      {
        what: "The app may not attach the encryption identity to resources.",
        todo: "Give the app's managed identity the Managed Identity Operator role on the encryption identity.",
      },
    ],
    ["KeyVaultPolicyError", PURGE],
    ["SecurityInvalidAzureKeyVaultRecoveryLevel", PURGE],
    [
      "AkvHostNotResolvingFromNode",
      {
        what: "The customer's vault does not exist: its name does not resolve.",
        todo: "Ask the customer for the current key URI (the vault may have been deleted or renamed) and verify it again.",
      },
    ],
    ["KeyVaultAuthenticationFailure", KEY_ACCESS],
    ["KeyVaultAccessForbidden", KEY_ACCESS],
    ["AzureKeyVaultMissingPermissions", KEY_ACCESS],
    ["UmiMissingAkvPermissions", KEY_ACCESS],
    ["AdalServicePrincipalNotFound", KEY_ACCESS],
    ["AdalGenericError", KEY_ACCESS],
    ["AzureKeyVaultConnectionFailed", KEY_ACCESS],
    ["KeyVaultEncryptionKeyNotEnabled", KEY_DISABLED],
    ["AzureKeyVaultKeyDisabled", KEY_DISABLED],
    ["KeyDisabled", KEY_DISABLED],
    ["KeyVaultEncryptionKeyExpired", KEY_DATES],
    ["AzureKeyVaultInvalidExpirationDate", KEY_DATES],
    ["AzureKeyVaultInvalidActivationDate", KEY_DATES],
    ...[
      "KeyVaultEncryptionKeyNotFound",
      "KeyVaultVaultNotFound",
      "KeyVaultKeyNotFound",
      "KeyVaultNotFound",
      "AzureKeyVaultKeyNameNotFound",
      "AzureKeyVaultMalformedVaultUri",
      "AzureKeyVaultInvalidUri",
      "InvalidValuesForRequestParameters",
    ].map((code) => [code, KEY_GONE] as const),
    ...[
      "KeyVaultKeyTypeNotSupported",
      "AzureKeyVaultRsaKeyNotSupported",
      "KeyTypeNotSupported",
      "KeySizeNotSupported",
    ].map((code) => [code, KEY_TYPE("M.")] as const),
    ...[
      "AzureKeyVaultNoServerIdentity",
      "InvalidPrimaryUserAssignedIdentityId",
      "FailedIdentityOperation",
      "InvalidIdentity",
    ].map((code) => [code, IDENTITY] as const),
    ...["SubscriptionRequestsThrottled", "TooManyRequests", "RetryableErrorDueToAnotherOperation"].map(
      (code) =>
        [
          code,
          {
            what: "Azure is throttling writes to this subscription.",
            todo: "Nothing: the job waits as long as Azure asks and tries again.",
          },
        ] as const,
    ),
    ...["AnotherOperationInProgress", "Conflict"].map(
      (code) =>
        [
          code,
          {
            what: "Another change to this resource is still running in Azure.",
            todo: "Nothing: the job tries again once Azure has finished.",
          },
        ] as const,
    ),
    ...["ResourceNotFound", "ResourceGroupNotFound", "ParentResourceNotFound"].map(
      (code) =>
        [
          code,
          {
            what: "The resource no longer exists in Azure (or the app's identity cannot see it).",
            todo: "Check the resource in the portal; remove it from the inventory if it was deleted.",
          },
        ] as const,
    ),
    ...["InternalServerError", "ServiceUnavailable", "GatewayTimeout"].map(
      (code) =>
        [
          code,
          {
            what: "Azure had an internal error.",
            todo: "Nothing at first: the job tries again; if it keeps failing, check Azure's status page.",
          },
        ] as const,
    ),
    ...["OperationFailed", "Failed", "Canceled"].map(
      (code) =>
        [
          code,
          {
            what: "Azure accepted the change but its long-running operation ended without success: M.",
            todo: "Check the resource's activity log in the portal, then apply again.",
          },
        ] as const,
    ),
  ])("%s", (code, words) => {
    expect(explain(code)).toEqual({ ...words, azureCode: code });
  });

  it("codes match whole, not as parts of other codes", () => {
    for (const code of [
      "XAuthorizationFailed",
      "AuthorizationFailedX",
      "KeyDisabledSoon",
      "XConflict",
      "Failed2",
      "InvalidParameterX",
    ]) {
      expect(explain(code, "region purge RSA disabled expir version").what).toBe(
        "Azure refused the change: region purge RSA disabled expir version",
      );
    }
  });

  it("the writer role named per resource type", () => {
    const todo = (kind: ResourceKind) => explain("AuthorizationFailed", "M.", kind);
    expect(todo("STORAGE_ACCOUNT")).toEqual({
      what: "The app's identity may not change this resource.",
      todo: "Give the app's managed identity Storage Account Contributor (or Contributor) on the resource or its resource group.",
      azureCode: "AuthorizationFailed",
    });
    expect(todo("COSMOS_DB_ACCOUNT").todo).toContain("DocumentDB Account Contributor (or Contributor)");
    expect(todo("DISK_ENCRYPTION_SET").todo).toContain("identity Contributor (or Contributor)");
    expect(todo("SQL_SERVER").todo).toContain("SQL Server Contributor (or Contributor)");
    expect(explain("KeySizeNotSupported", "4096.", "SQL_SERVER")).toEqual({
      ...KEY_TYPE("4096.", "SQL_SERVER"),
      azureCode: "KeySizeNotSupported",
    });
  });

  it("a key-access failure that mentions the network or firewall is the firewall's", () => {
    expect(explain("KeyVaultAccessForbidden", "Denied by NETWORK rules.")).toEqual({
      ...FIREWALL,
      azureCode: "KeyVaultAccessForbidden",
    });
    expect(explain("KeyVaultAuthenticationFailure", "the firewall said no")).toEqual({
      ...FIREWALL,
      azureCode: "KeyVaultAuthenticationFailure",
    });
  });
});

describe("[cmk] Cosmos DB sub-statuses, and messages behind InvalidParameter / BadRequest", () => {
  it.each([
    ["4000", KEY_ACCESS],
    ["4002", KEY_ACCESS],
    ["4003", KEY_GONE],
    ["4006", KEY_GONE],
    ["4009", KEY_GONE],
    ["4015", IDENTITY],
    ["4016", FIREWALL],
    ["4017", KEY_GONE],
  ])("sub-status %s, with or without the word", (status, words) => {
    expect(explain("BadRequest", `Denied (${status}).`, "COSMOS_DB_ACCOUNT")).toEqual({
      ...words,
      azureCode: `BadRequest (${status})`,
    });
    expect(explain("Forbidden", `Denied (sub-status ${status}).`, "COSMOS_DB_ACCOUNT").azureCode).toBe(
      `Forbidden (${status})`,
    );
  });

  it("4005 quotes Azure; an unknown sub-status falls back to the code", () => {
    expect(explain("BadRequest", "Cannot wrap (4005).", "COSMOS_DB_ACCOUNT")).toEqual({
      what: "Cosmos DB could not wrap or unwrap with the customer's key (disabled, expired or not RSA): Cannot wrap (4005).",
      todo: "Ask the customer to check that the key is an enabled, unexpired RSA key.",
      azureCode: "BadRequest (4005)",
    });
    expect(explain("KeyVaultPolicyError", "Odd (4999).")).toEqual({
      ...PURGE,
      azureCode: "KeyVaultPolicyError",
    });
    expect(explain("BadRequest", "no sub-status 4002 here").azureCode).toBe("BadRequest");
  });

  it.each([
    ["The vault must be in the same REGION.", REGION("The vault must be in the same REGION.")],
    ["Enable Purge Protection first.", PURGE],
    ["The vault is not recoverable.", PURGE],
    ["Only rsa keys.", KEY_TYPE("Only rsa keys.")],
    ["Unsupported key size.", KEY_TYPE("Unsupported key size.")],
    ["Unsupported key type.", KEY_TYPE("Unsupported key type.")],
    ["The key is Disabled.", KEY_DISABLED],
    ["The key has EXPIRED.", KEY_DATES],
    ["Activation date in the future.", KEY_DATES],
  ])("InvalidParameter: %s", (message, words) => {
    expect(explain("InvalidParameter", message, "DISK_ENCRYPTION_SET")).toEqual({
      ...words,
      azureCode: "InvalidParameter",
    });
    expect(explain("BadRequest", message, "DISK_ENCRYPTION_SET").azureCode).toBe("BadRequest");
  });

  it("a version problem is named; anything else is Azure's own words", () => {
    expect(explain("InvalidParameter", "A versioned key URL is required.", "DISK_ENCRYPTION_SET")).toEqual({
      what: "Azure refused the key URI's version: A versioned key URL is required.",
      todo: "Apply again with the verified version; if it persists, report it to the Crosskey team.",
      azureCode: "InvalidParameter",
    });
    expect(explain("InvalidParameter", "Bad Version.", "DISK_ENCRYPTION_SET").what).toMatch(
      /^Azure refused the key URI's version/,
    );
    expect(explain("InvalidParameter", "Something else.", "DISK_ENCRYPTION_SET")).toEqual({
      what: "Azure refused the change: Something else.",
      todo: "Check the resource in the portal; apply again once the cause is fixed.",
      azureCode: "InvalidParameter",
    });
  });
});
