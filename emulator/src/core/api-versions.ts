/**
 * The api-versions each emulated operation accepts: the GA (stable) versions published in
 * github.com/Azure/azure-rest-api-specs (`specification/{service}/…/stable/{version}/…`), from the first version
 * that has the properties the emulator models up to the newest one, plus the few preview versions real clients
 * send (each named with the client). Every accepted version is answered with the newest shape: properties an
 * older version lacks are not stripped (COVERAGE.md). Keys are lower-case resource types.
 *
 * Spec folders (stable unless marked):
 * - Microsoft.Resources: `resources/resource-manager/Microsoft.Resources/stable/{v}/resources.json` and
 *   `…/subscriptions.json`.
 * - Microsoft.Storage: `storage/resource-manager/Microsoft.Storage/stable/{v}/storage.json`; from 2021-01-01, the
 *   first version with user-assigned identities in `encryption.identity`.
 * - Microsoft.DocumentDB: `cosmos-db/resource-manager/Microsoft.DocumentDB/stable/{v}/cosmos-db.json`; from
 *   2021-04-15 (`defaultIdentity` with user-assigned identities).
 * - Microsoft.Compute disk encryption sets: `compute/resource-manager/Microsoft.Compute/DiskRP/stable/{v}/
 *   diskEncryptionSet.json`; from 2022-03-02 (`federatedClientId`, example
 *   `DiskEncryptionSet_Create_WithKeyVaultFromADifferentTenant`).
 * - Microsoft.Sql: `sql/resource-manager/Microsoft.Sql/stable/{v}/ServerKeys.json`, `EncryptionProtectors.json`,
 *   `Servers.json`; databases with their own keys (`Databases.json` `keys`, `encryptionProtector`,
 *   `DatabaseEncryptionProtectorRevert.json`) only 2023-08-01, the version Crosskey pins.
 * - Microsoft.KeyVault: `keyvault/resource-manager/Microsoft.KeyVault/stable/{v}/keyvault.json` and
 *   `managedHsm.json`; vaults from 2019-09-01 (`enableRbacAuthorization`), managed HSMs from 2021-10-01.
 * - Microsoft.ManagedIdentity: `msi/resource-manager/Microsoft.ManagedIdentity/stable/{v}/ManagedIdentity.json`.
 * - Microsoft.Authorization: `authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/
 *   authorization-RoleAssignmentsCalls.json`; `preview/2020-04-01-preview/…` is what Azure CLI 2.45 sends.
 * - Key Vault data plane: `keyvault/data-plane/Microsoft.KeyVault/stable/{v}/keyvault.json` (7.0, 7.1) and
 *   `…/stable/{v}/keys.json` (7.2 … 7.6, 2025-07-01); Azure CLI 2.45 sends 7.0–7.4.
 */
const RESOURCES = [
  "2025-04-01",
  "2024-11-01",
  "2024-07-01",
  "2024-03-01",
  "2023-07-01",
  "2022-09-01",
  "2021-04-01",
  "2021-01-01",
  "2020-10-01",
  "2020-08-01",
  "2020-06-01",
  "2019-10-01",
  "2019-08-01",
  "2019-07-01",
  "2019-05-10",
  "2019-05-01",
  "2019-03-01",
  "2018-05-01",
  "2018-02-01",
];
const SUBSCRIPTIONS = [
  "2022-12-01",
  "2021-01-01",
  "2020-01-01",
  "2019-11-01",
  "2019-06-01",
  "2018-06-01",
  "2016-06-01",
];
const STORAGE = [
  "2025-06-01",
  "2025-01-01",
  "2024-01-01",
  "2023-05-01",
  "2023-04-01",
  "2023-01-01",
  "2022-09-01",
  "2022-05-01",
  "2021-09-01",
  "2021-08-01",
  "2021-06-01",
  "2021-04-01",
  "2021-02-01",
  "2021-01-01",
];
const COSMOS = [
  "2025-10-15",
  "2025-04-15",
  "2024-11-15",
  "2024-08-15",
  "2024-05-15",
  "2023-11-15",
  "2023-09-15",
  "2023-04-15",
  "2023-03-15",
  "2022-11-15",
  "2022-08-15",
  "2022-05-15",
  "2021-10-15",
  "2021-06-15",
  "2021-05-15",
  "2021-04-15",
];
const DISK_RP = [
  "2025-01-02",
  "2024-03-02",
  "2023-10-02",
  "2023-04-02",
  "2023-01-02",
  "2022-07-02",
  "2022-03-02",
];
const SQL = ["2023-08-01", "2021-11-01"];
const KEY_VAULT = [
  "2025-05-01",
  "2024-11-01",
  "2023-07-01",
  "2023-02-01",
  "2022-11-01",
  "2022-07-01",
  "2021-10-01",
  "2019-09-01",
];
const MANAGED_HSM = KEY_VAULT.slice(0, KEY_VAULT.indexOf("2021-10-01") + 1);

export const ARM_API_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  "microsoft.resources/resourcegroups": RESOURCES,
  "microsoft.resources/resources": RESOURCES,
  "microsoft.resources/subscriptions": [...SUBSCRIPTIONS, ...RESOURCES],
  "microsoft.storage/storageaccounts": STORAGE,
  "microsoft.documentdb/databaseaccounts": COSMOS,
  "microsoft.compute/diskencryptionsets": DISK_RP,
  "microsoft.sql/servers": SQL,
  "microsoft.sql/servers/keys": SQL,
  "microsoft.sql/servers/encryptionprotector": SQL,
  "microsoft.sql/servers/databases": ["2023-08-01"],
  "microsoft.sql/servers/databases/encryptionprotector": ["2023-08-01"],
  "microsoft.keyvault/vaults": KEY_VAULT,
  "microsoft.keyvault/managedhsms": MANAGED_HSM,
  "microsoft.managedidentity/userassignedidentities": ["2024-11-30", "2023-01-31", "2018-11-30"],
  "microsoft.authorization/roleassignments": ["2022-04-01", "2020-04-01-preview", "2015-07-01"],
  "microsoft.authorization/roledefinitions": ["2022-05-01-preview", "2022-04-01", "2015-07-01"],
};

/** Key Vault and Managed HSM data plane (keys.json of each stable folder). */
export const KEY_VAULT_DATA_API_VERSIONS: readonly string[] = [
  "7.0",
  "7.1",
  "7.2",
  "7.3",
  "7.4",
  "7.5",
  "7.6",
  "2025-07-01",
];

/** ARM `GET /metadata/endpoints`: 2015-01-01 answers one cloud (what `az cloud register` reads), later ones a list. */
export const METADATA_API_VERSIONS: readonly string[] = [
  "2015-01-01",
  "2018-01-01",
  "2019-05-01",
  "2020-06-01",
  "2022-09-01",
];
