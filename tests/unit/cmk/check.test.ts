import { describe, expect, it } from "vitest";
import { CMK_MODULES, getCmkModule } from "../../../lib/cmk";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";
import { IDS, input } from "./fixtures";

const KINDS = Object.keys(CMK_MODULES) as ResourceKind[];
const codes = (kind: ResourceKind, i: ReturnType<typeof input>) =>
  getCmkModule(kind)
    .check(i)
    .map((p) => p.code);

describe("[cmk] checks before any write", () => {
  it.each(KINDS)("%s: a verified RSA 3072 key and a valid identity pass", (kind) => {
    expect(getCmkModule(kind).check(input(IDS[kind]))).toEqual([]);
  });

  it.each(KINDS)("%s: an EC key is refused in words (no service wraps with EC, §5.5)", (kind) => {
    const [problem] = getCmkModule(kind).check(
      input(IDS[kind], { key: { keyType: "EC-HSM", keySize: null } }),
    );
    expect(problem).toMatchObject({ code: "KeyTypeNotSupported" });
    expect(problem!.message).toMatch(/only RSA keys; the customer's key is EC-HSM/);
  });

  it("RSA 4096 passes Storage, Cosmos DB and disk encryption sets but not SQL (2048/3072 only)", () => {
    const big = { key: { keySize: 4096 } };
    expect(codes("STORAGE_ACCOUNT", input(IDS.STORAGE_ACCOUNT, big))).toEqual([]);
    expect(codes("COSMOS_DB_ACCOUNT", input(IDS.COSMOS_DB_ACCOUNT, big))).toEqual([]);
    expect(codes("DISK_ENCRYPTION_SET", input(IDS.DISK_ENCRYPTION_SET, big))).toEqual([]);
    expect(codes("SQL_SERVER", input(IDS.SQL_SERVER, big))).toEqual(["KeySizeNotSupported"]);
    expect(codes("SQL_SERVER", input(IDS.SQL_SERVER, { key: { keySize: 2048 } }))).toEqual([]);
  });

  it("RSA-HSM keys and Managed HSM vaults are accepted", () => {
    const hsm = { key: { keyType: "RSA-HSM", vaultKind: "MANAGED_HSM" as const } };
    for (const kind of KINDS) expect(codes(kind, input(IDS[kind], hsm))).toEqual([]);
  });

  it.each(KINDS)("%s: a misconfigured ISV identity is refused before Azure sees it", (kind) => {
    expect(codes(kind, input(IDS[kind], { uami: "crosskey-cmk" }))).toEqual(["EncryptionIdentityInvalid"]);
  });

  it("Cosmos DB: existing Cassandra, materialized-view and vector-search accounts are refused; continuous backup and Synapse Link are not", () => {
    const body = {
      properties: {
        backupPolicy: { type: "Continuous" },
        enableAnalyticalStorage: true,
        enableMaterializedViews: true,
        capabilities: [{ name: "EnableCassandra" }, { name: "EnableNoSQLVectorSearch" }],
      },
    };
    expect(codes("COSMOS_DB_ACCOUNT", input(IDS.COSMOS_DB_ACCOUNT, { body }))).toEqual([
      "CassandraNotSupported",
      "MaterializedViewsNotSupported",
      "VectorSearchNotSupported",
    ]);
    const continuous = {
      properties: { backupPolicy: { type: "Continuous" }, enableAnalyticalStorage: true },
    };
    expect(codes("COSMOS_DB_ACCOUNT", input(IDS.COSMOS_DB_ACCOUNT, { body: continuous }))).toEqual([]);
    // The limits are about turning a key on: an account already on one may change keys.
    const onKey = { properties: { ...body.properties, keyVaultKeyUri: "https://kv.vault.azure.net/keys/k" } };
    expect(codes("COSMOS_DB_ACCOUNT", input(IDS.COSMOS_DB_ACCOUNT, { body: onKey }))).toEqual([]);
  });

  it("disk encryption sets: cross-tenant keys are not offered in the sovereign clouds", () => {
    for (const cloudName of ["china", "usgov"])
      expect(codes("DISK_ENCRYPTION_SET", input(IDS.DISK_ENCRYPTION_SET, { cloudName }))).toEqual([
        "CrossTenantNotAvailable",
      ]);
    expect(codes("STORAGE_ACCOUNT", input(IDS.STORAGE_ACCOUNT, { cloudName: "usgov" }))).toEqual([]);
  });
});
