import "server-only";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import { cosmosDbAccountModule } from "./cosmos-db-account";
import { diskEncryptionSetModule } from "./disk-encryption-set";
import { sqlDatabaseModule } from "./sql-database";
import { sqlServerModule } from "./sql-server";
import { storageAccountModule } from "./storage-account";
import type { CmkModule } from "./types";

export const CMK_MODULES: Record<ResourceKind, CmkModule> = {
  STORAGE_ACCOUNT: storageAccountModule,
  COSMOS_DB_ACCOUNT: cosmosDbAccountModule,
  DISK_ENCRYPTION_SET: diskEncryptionSetModule,
  SQL_SERVER: sqlServerModule,
  SQL_DATABASE: sqlDatabaseModule,
};

/** ARM resource types, as `$filter=resourceType eq '…'` and resource IDs name them. */
export const ARM_TYPES: Record<ResourceKind, string> = {
  STORAGE_ACCOUNT: "Microsoft.Storage/storageAccounts",
  COSMOS_DB_ACCOUNT: "Microsoft.DocumentDB/databaseAccounts",
  DISK_ENCRYPTION_SET: "Microsoft.Compute/diskEncryptionSets",
  SQL_SERVER: "Microsoft.Sql/servers",
  SQL_DATABASE: "Microsoft.Sql/servers/databases",
};

export function getCmkModule(kind: ResourceKind): CmkModule {
  return CMK_MODULES[kind];
}
