/**
 * What `npm run bench:cmk` encrypts: the emulator world entries (resources that already exist in the ISV's
 * subscription, Microsoft-managed) and the matching inventory rows, per `--kind`.
 */
import type { BenchKind } from "./bench-cmk-report.ts";

const RG = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers";
const SERVER = `${RG}/Microsoft.Sql/servers/sql-bench`;

interface Row {
  armId: string;
  kind: "STORAGE_ACCOUNT" | "SQL_DATABASE" | "DISK_ENCRYPTION_SET";
  name: string;
}

export function benchTargets(kind: BenchKind, n: number): { world: unknown[]; rows: Row[] } {
  const names = Array.from({ length: n }, (_, i) => String(i).padStart(5, "0"));
  if (kind === "sql-database") {
    // The database-per-tenant layout: one logical server (service-managed protector), N databases on it.
    const server = {
      id: SERVER,
      type: "Microsoft.Sql/servers",
      location: "westeurope",
      properties: { administratorLogin: "benchadmin", version: "12.0", state: "Ready" },
    };
    const databases = names.map((i) => ({
      id: `${SERVER}/databases/db${i}`,
      type: "Microsoft.Sql/servers/databases",
      location: "westeurope",
      properties: { collation: "SQL_Latin1_General_CP1_CI_AS", status: "Online" },
    }));
    return {
      world: [server, ...databases],
      rows: databases.map((d, k) => ({ armId: d.id, kind: "SQL_DATABASE", name: `sql-bench/db${names[k]}` })),
    };
  }
  if (kind === "disk-encryption-set") {
    // Disk encryption sets exist with the platform's own key (as the demo's do) and move to the customer's.
    const sets = names.map((i) => ({
      id: `${RG}/Microsoft.Compute/diskEncryptionSets/desbench${i}`,
      type: "Microsoft.Compute/diskEncryptionSets",
      location: "westeurope",
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: {
          [`${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk`]: {},
        },
      },
      properties: {
        activeKey: { keyUrl: "https://kv-fabrikam-platform.vault.azure.net/keys/platform-disks" },
        encryptionType: "EncryptionAtRestWithCustomerKey",
        rotationToLatestKeyVersionEnabled: true,
      },
    }));
    return {
      world: sets,
      rows: sets.map((d, k) => ({ armId: d.id, kind: "DISK_ENCRYPTION_SET", name: `desbench${names[k]}` })),
    };
  }
  const accounts = names.map((i) => ({
    id: `${RG}/Microsoft.Storage/storageAccounts/stbench${i}`,
    type: "Microsoft.Storage/storageAccounts",
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    properties: {
      encryption: {
        keySource: "Microsoft.Storage",
        services: { blob: { enabled: true, keyType: "Account" } },
      },
    },
  }));
  return {
    world: accounts,
    rows: accounts.map((a, k) => ({ armId: a.id, kind: "STORAGE_ACCOUNT", name: `stbench${names[k]}` })),
  };
}
