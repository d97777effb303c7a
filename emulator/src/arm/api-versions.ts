import { ArmError } from "./errors.js";

/**
 * Pinned api-versions per resource type (lower-case keys). The newest first. Operation-status URLs accept the
 * versions of their namespace. Sources: docs/azure-contracts.md §4.4; @azure/arm-resources 8 sends 2025-04-01.
 */
const RESOURCES = ["2025-04-01", "2024-11-01", "2024-03-01", "2022-09-01", "2021-04-01"];
export const API_VERSIONS: Record<string, string[]> = {
  "microsoft.resources/resourcegroups": RESOURCES,
  "microsoft.resources/resources": RESOURCES,
  "microsoft.resources/subscriptions": ["2022-12-01", "2021-01-01", "2020-01-01", ...RESOURCES],
  "microsoft.storage/storageaccounts": ["2025-06-01", "2025-01-01"],
  "microsoft.documentdb/databaseaccounts": ["2025-10-15", "2025-04-15"],
  "microsoft.compute/diskencryptionsets": ["2025-01-02", "2024-03-02"],
  "microsoft.sql/servers": ["2023-08-01"],
  "microsoft.sql/servers/keys": ["2023-08-01"],
  "microsoft.sql/servers/encryptionprotector": ["2023-08-01"],
  "microsoft.keyvault/vaults": ["2024-11-01", "2023-07-01"],
  "microsoft.keyvault/managedhsms": ["2024-11-01", "2023-07-01"],
  "microsoft.managedidentity/userassignedidentities": ["2024-11-30", "2023-01-31"],
  "microsoft.authorization/roleassignments": ["2022-04-01"],
  "microsoft.authorization/roledefinitions": ["2022-05-01-preview", "2022-04-01"],
};

const NAMESPACE_OPS: Record<string, string[]> = {};
for (const [type, versions] of Object.entries(API_VERSIONS)) {
  const ns = type.split("/")[0] ?? "";
  NAMESPACE_OPS[ns] = [...new Set([...(NAMESPACE_OPS[ns] ?? []), ...versions])];
}

/** Throws the ARM front door's errors: MissingApiVersionParameter / NoRegisteredProviderFound / InvalidApiVersionParameter. */
export function checkApiVersion(type: string, apiVersion: string | undefined, location = "global"): void {
  if (!apiVersion) {
    throw new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const supported = API_VERSIONS[type.toLowerCase()];
  if (!supported) {
    throw new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type.split("/").slice(1).join("/")}'.`,
    );
  }
  if (!supported.includes(apiVersion)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
    );
  }
}

export function checkNamespaceApiVersion(namespace: string, apiVersion: string | undefined): void {
  if (!apiVersion) checkApiVersion("", undefined);
  const supported = NAMESPACE_OPS[namespace.toLowerCase()] ?? [];
  if (!supported.includes(apiVersion ?? "")) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
    );
  }
}
