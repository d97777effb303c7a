import { describe, expect, it } from "vitest";
import { ARM_TYPES, CMK_MODULES, getCmkModule } from "../../../lib/cmk";

describe("[cmk] one module per resource type", () => {
  it("names each type as ARM does, and each kind finds its own module", () => {
    expect(ARM_TYPES).toEqual({
      STORAGE_ACCOUNT: "Microsoft.Storage/storageAccounts",
      COSMOS_DB_ACCOUNT: "Microsoft.DocumentDB/databaseAccounts",
      DISK_ENCRYPTION_SET: "Microsoft.Compute/diskEncryptionSets",
      SQL_SERVER: "Microsoft.Sql/servers",
      SQL_DATABASE: "Microsoft.Sql/servers/databases",
    });
    for (const kind of Object.keys(ARM_TYPES) as (keyof typeof ARM_TYPES)[]) {
      expect(getCmkModule(kind)).toBe(CMK_MODULES[kind]);
      expect(getCmkModule(kind).kind).toBe(kind);
    }
    expect(
      Object.fromEntries(Object.values(CMK_MODULES).map((m) => [m.kind, [m.label, m.apiVersion]])),
    ).toEqual({
      STORAGE_ACCOUNT: ["Storage account", "2025-06-01"],
      COSMOS_DB_ACCOUNT: ["Cosmos DB account", "2025-10-15"],
      DISK_ENCRYPTION_SET: ["Disk encryption set", "2025-01-02"],
      SQL_SERVER: ["SQL server", "2023-08-01"],
      SQL_DATABASE: ["SQL database", "2023-08-01"],
    });
  });
});
