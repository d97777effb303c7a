import { describe, expect, it } from "vitest";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";

const explain = (code: string, message = "…", kind: ResourceKind = "SQL_DATABASE") =>
  explainCmkError({ code, message }, kind);
const GENERIC = /^Check the resource in the portal; apply again once the cause is fixed\.$/;

describe("[cmk] Azure's codes are matched whole, and each database-level TDE refusal has its words", () => {
  // The error list of DatabaseEncryptionProtectorRevert.json and the database-level CMK article (docs/azure-contracts.md §5.6).
  it.each([
    ["RevertDatabaseLevelKeyOnlySupportedWithSMK", /switch the server's protector back to service-managed/],
    ["DatabaseLevelEncryptionProtectorDoesNotExist", /Nothing to revert/],
    ["PerDatabaseCMKAKVKeyMaterialMissingOnGeoSecondary", /apply the key to it first/],
    ["PerDatabaseCMKAKVKeyUriMissingOnGeoSecondary", /apply the key to it first/],
    ["PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeys", /with the primary's identity/],
    ["PerDatabaseCMKCopyOrReplicationAttemptedWithoutCurrentKeysOnSecondary", /with the primary's identity/],
    ["PerDatabaseCMKMissingIdentityOnGeoSecondaryDatabase", /with the primary's identity/],
    ["UpdateNotAllowedInCurrentReplicationState", /on the primary database/],
    ["MultipleIdentitiesOnDatabase", /one user-assigned identity/],
    ["CannotAssignIdentityToMaster", /one user-assigned identity/],
  ])("%s", (code, todo) => {
    expect(explain(code).todo).toMatch(todo);
    expect(explain(code).azureCode).toBe(code);
  });

  it("a database takes the SQL DB Contributor role and RSA keys of 2048 or 3072 bits", () => {
    expect(explain("AuthorizationFailed").todo).toMatch(/SQL DB Contributor/);
    expect(explain("KeyTypeNotSupported", "EC keys are not supported.").todo).toMatch(
      /2048 or 3072 bits only/,
    );
  });

  it.each([
    "LinkedAuthorizationFailed",
    "KeyVaultPolicyError",
    "KeyVaultAuthenticationFailure",
    "KeyVaultEncryptionKeyNotEnabled",
    "KeyVaultEncryptionKeyExpired",
    "KeyVaultEncryptionKeyNotFound",
    "KeyVaultKeyTypeNotSupported",
    "InvalidIdentity",
    "RevertDatabaseLevelKeyOnlySupportedWithSMK",
    "DatabaseLevelEncryptionProtectorDoesNotExist",
    "PerDatabaseCMKAKVKeyUriMissingOnGeoSecondary",
    "PerDatabaseCMKMissingIdentityOnGeoSecondaryDatabase",
    "UpdateNotAllowedInCurrentReplicationState",
    "MultipleIdentitiesOnDatabase",
    "SubscriptionRequestsThrottled",
    "AnotherOperationInProgress",
    "ResourceNotFound",
    "InternalServerError",
  ])("%s is matched only as a whole code", (code) => {
    expect(explain(code).todo).not.toMatch(GENERIC);
    expect(explain(`Not${code}`).todo).toMatch(GENERIC);
    expect(explain(`${code}Ex`).todo).toMatch(GENERIC);
  });

  it("the message decides only for Azure's generic codes, matched whole", () => {
    const regionMessage = "The key vault and the disk encryption set must be in the same region.";
    expect(explain("InvalidParameter", regionMessage, "DISK_ENCRYPTION_SET").todo).toMatch(/vault there/);
    expect(explain("BadRequest", regionMessage, "DISK_ENCRYPTION_SET").todo).toMatch(/vault there/);
    expect(explain("XInvalidParameter", regionMessage, "DISK_ENCRYPTION_SET").todo).toMatch(GENERIC);
    expect(explain("BadRequestX", regionMessage, "DISK_ENCRYPTION_SET").todo).toMatch(GENERIC);
  });
});
