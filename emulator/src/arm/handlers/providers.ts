import { cosmosAccounts } from "../cmk/cosmos.js";
import { diskEncryptionSets } from "../cmk/disk-encryption-set.js";
import { sqlEncryptionProtector, sqlServerKeys, sqlServers } from "../cmk/sql.js";
import { sqlDatabaseEncryptionProtector, sqlDatabases } from "../cmk/sql-database.js";
import { storageAccounts } from "../cmk/storage.js";
import type { ResourceProvider } from "../types.js";
import { userAssignedIdentities } from "./identities.js";
import { managedHsms } from "./managed-hsms.js";
import { vaults } from "./vaults.js";

/** Resource types the emulator serves, by lower-cased type. */
export const PROVIDERS = new Map<string, ResourceProvider>(
  [
    storageAccounts,
    cosmosAccounts,
    diskEncryptionSets,
    sqlServers,
    sqlServerKeys,
    sqlEncryptionProtector,
    sqlDatabases,
    sqlDatabaseEncryptionProtector,
    vaults,
    managedHsms,
    userAssignedIdentities,
  ].map((p) => [p.type.toLowerCase(), p]),
);
