import type { CmkInput, CmkKeyRef } from "../../../lib/cmk/types";

/** Shared shapes for the resource-module tests: one ISV subscription, one customer key, one identity. */
export const SUB = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg/providers";
export const UAMI = `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk`;
export const OTHER_UAMI = `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/workload`;
export const APP = "22222222-2222-4222-8222-222222222222";
export const V = "0123456789abcdef0123456789abcdef";
export const V2 = "fedcba9876543210fedcba9876543210";

export const key = (over: Partial<CmkKeyRef> = {}): CmkKeyRef => ({
  keyUri: "https://kv.vault.azure.net/keys/cmk",
  vaultUri: "https://kv.vault.azure.net",
  vaultName: "kv",
  keyName: "cmk",
  keyVersion: null,
  verifiedVersion: V,
  keyType: "RSA",
  keySize: 3072,
  vaultKind: "VAULT",
  tenantId: "c0000000-0000-4000-8000-00000000c001",
  ...over,
});

export const input = (
  id: string,
  over: { key?: Partial<CmkKeyRef>; body?: unknown; cloudName?: string; uami?: string } = {},
): CmkInput => ({
  resource: { id, location: "westeurope", body: over.body ?? {} },
  key: key(over.key),
  identity: { uamiResourceId: over.uami ?? UAMI, federatedClientId: APP },
  cloudName: over.cloudName ?? "public",
});

export const IDS = {
  STORAGE_ACCOUNT: `${SUB}/Microsoft.Storage/storageAccounts/st`,
  COSMOS_DB_ACCOUNT: `${SUB}/Microsoft.DocumentDB/databaseAccounts/cosmos`,
  DISK_ENCRYPTION_SET: `${SUB}/Microsoft.Compute/diskEncryptionSets/des`,
  SQL_SERVER: `${SUB}/Microsoft.Sql/servers/sql`,
  SQL_DATABASE: `${SUB}/Microsoft.Sql/servers/sql/databases/db`,
} as const;
