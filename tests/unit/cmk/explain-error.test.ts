import { describe, expect, it } from "vitest";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";

const explain = (code: string, message = "…", kind: ResourceKind = "STORAGE_ACCOUNT") =>
  explainCmkError({ code, message }, kind);

describe("[cmk] Azure's errors in words, by the codes the services return (emulator/COVERAGE.md)", () => {
  it.each([
    // Key access: role missing or removed, federated sign-in refused — per service.
    ["KeyVaultAuthenticationFailure", "STORAGE_ACCOUNT", /role assignment on their key/],
    ["KeyVaultAccessForbidden", "DISK_ENCRYPTION_SET", /role assignment on their key/],
    ["AzureKeyVaultMissingPermissions", "SQL_SERVER", /role assignment on their key/],
    // Vault and key state.
    ["KeyVaultPolicyError", "STORAGE_ACCOUNT", /enable purge protection/],
    ["SecurityInvalidAzureKeyVaultRecoveryLevel", "SQL_SERVER", /enable purge protection/],
    ["UmiMissingAkvPermissions", "SQL_SERVER", /role assignment on their key/],
    ["AkvHostNotResolvingFromNode", "SQL_SERVER", /may have been deleted or renamed/],
    ["KeyVaultEncryptionKeyNotEnabled", "STORAGE_ACCOUNT", /enable the key/],
    ["AzureKeyVaultKeyDisabled", "SQL_SERVER", /enable the key/],
    ["KeyVaultEncryptionKeyExpired", "STORAGE_ACCOUNT", /extend the key's expiry/],
    ["AzureKeyVaultInvalidExpirationDate", "SQL_SERVER", /extend the key's expiry/],
    ["KeyVaultEncryptionKeyNotFound", "STORAGE_ACCOUNT", /current key URI/],
    ["AzureKeyVaultKeyNameNotFound", "SQL_SERVER", /current key URI/],
    ["KeyVaultNotFound", "DISK_ENCRYPTION_SET", /current key URI/],
    ["AzureKeyVaultRsaKeyNotSupported", "SQL_SERVER", /2048 or 3072 bits only/],
    ["KeyVaultKeyTypeNotSupported", "STORAGE_ACCOUNT", /RSA 3072/],
    // The ISV side.
    [
      "LinkedAuthorizationFailed",
      "STORAGE_ACCOUNT",
      /Managed Identity Operator role on the encryption identity/,
    ],
    ["AuthorizationFailed", "SQL_SERVER", /SQL Server Contributor/],
    ["AuthorizationFailed", "COSMOS_DB_ACCOUNT", /DocumentDB Account Contributor/],
    ["AzureKeyVaultNoServerIdentity", "SQL_SERVER", /the plan adds the identity/],
    // Azure's own weather.
    ["SubscriptionRequestsThrottled", "STORAGE_ACCOUNT", /waits as long as Azure asks/],
    ["AnotherOperationInProgress", "COSMOS_DB_ACCOUNT", /once Azure has finished/],
    ["OperationFailed", "DISK_ENCRYPTION_SET", /activity log/],
    ["ResourceNotFound", "STORAGE_ACCOUNT", /remove it from the inventory/],
  ] as const)("%s on %s", (code, kind, todo) => {
    const explained = explain(code, "…", kind);
    expect(explained.todo).toMatch(todo);
    expect(explained.azureCode).toBe(code);
  });

  it("Cosmos DB's 503 and 403 for the customer's key: the sub-status decides, and without one the key is still named", () => {
    expect(
      explain(
        "ServiceUnavailable",
        "Error contacting the Azure Key Vault resource. Please try again. Key 'https://kv.vault.azure.net/keys/k' (sub-status 4003): not found",
        "COSMOS_DB_ACCOUNT",
      ),
    ).toMatchObject({
      azureCode: "ServiceUnavailable (4003)",
      todo: expect.stringMatching(/current key URI/),
    });
    expect(
      explain("ServiceUnavailable", "Error contacting the Azure Key Vault resource.", "COSMOS_DB_ACCOUNT"),
    ).toMatchObject({
      azureCode: "ServiceUnavailable",
      what: expect.stringMatching(/^Cosmos DB could not reach the customer's key/),
    });
    expect(explain("ForbiddenByFirewall", "Blocked.", "COSMOS_DB_ACCOUNT").todo).toMatch(
      /trusted Microsoft services/,
    );
  });

  it("a vault firewall behind an access failure is named as such", () => {
    expect(
      explain("AzureKeyVaultConnectionFailed", "Blocked by the vault firewall.", "SQL_SERVER").todo,
    ).toMatch(/trusted Microsoft services/);
  });

  it("Cosmos DB BadRequest: the sub-status decides, and is kept beside Azure's code", () => {
    const e = explain(
      "BadRequest",
      "Unable to access the customer managed key 'https://kv.vault.azure.net/keys/cmk' (sub-status 4002): Forbidden",
      "COSMOS_DB_ACCOUNT",
    );
    expect(e).toMatchObject({ azureCode: "BadRequest (4002)" });
    expect(e.todo).toMatch(/role assignment on their key/);
    expect(explain("BadRequest", "… revoked because … (4016).", "COSMOS_DB_ACCOUNT").todo).toMatch(
      /trusted Microsoft/,
    );
    expect(explain("BadRequest", "… (sub-status 4003): gone", "COSMOS_DB_ACCOUNT").todo).toMatch(
      /current key URI/,
    );
  });

  it("DiskRP InvalidParameter: the message tells region, purge protection or key type apart", () => {
    const des = (m: string) => explain("InvalidParameter", m, "DISK_ENCRYPTION_SET").todo;
    expect(des("The key vault and the disk encryption set must be in the same region.")).toMatch(
      /vault there/,
    );
    expect(des("Soft delete and purge protection must be enabled on the key vault.")).toMatch(
      /purge protection/,
    );
    expect(des("Only RSA and RSA-HSM keys of size 2048, 3072 or 4096 are supported.")).toMatch(/RSA 3072/);
  });

  it("the customer's page is named when the caller knows it", () => {
    const e = explainCmkError({ code: "KeyVaultAuthenticationFailure", message: "…" }, "STORAGE_ACCOUNT", {
      customerPage: "https://crosskey.example/onboard/abc",
    });
    expect(e.todo).toContain("https://crosskey.example/onboard/abc");
  });

  it("an unknown code keeps Azure's message and code", () => {
    expect(explain("SomethingNew", "Azure says no.")).toEqual({
      what: "Azure refused the change: Azure says no.",
      todo: "Check the resource in the portal; apply again once the cause is fixed.",
      azureCode: "SomethingNew",
    });
  });
});
