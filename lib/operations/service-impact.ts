import "server-only";
import type { ResourceKind } from "@/lib/generated/prisma/enums";

/**
 * What each service does when the key it uses becomes unreachable, and how it follows new key versions: the
 * words of the blast-radius preview. Sources: docs/support-operations.md.
 */
export const SERVICE_IMPACT: Record<
  ResourceKind,
  { ifKeyUnreachable: string; followsVersions: string | null; revertRefusal: string | null }
> = {
  STORAGE_ACCOUNT: {
    ifKeyUnreachable:
      "Storage answers 403 to every read and write of the account's data within minutes; it works again as soon as the key is reachable.",
    followsVersions:
      "With a versionless key, Storage moves to a new key version by itself, checking about once a day; nothing to write.",
    revertRefusal: null,
  },
  COSMOS_DB_ACCOUNT: {
    ifKeyUnreachable:
      "Cosmos DB marks the account revoked: every request fails, and after access is restored the account can take hours to recover.",
    followsVersions:
      "Cosmos DB always uses the key's newest version and follows new versions by itself; nothing to write.",
    revertRefusal:
      "Azure Cosmos DB cannot return to service-managed keys once a customer-managed key is set. To stop using the customer's key, change it to another key, or have the customer revoke access at the key.",
  },
  DISK_ENCRYPTION_SET: {
    ifKeyUnreachable:
      "Disks encrypted through the set cannot be read: virtual machines using them stop and cannot start until the key is reachable.",
    followsVersions: null,
    revertRefusal:
      "A disk encryption set always uses a customer-managed key. To go back to platform-managed keys, move its disks to platform-managed encryption (a disk-by-disk change, outside Crosskey); or change the set to another key.",
  },
  SQL_SERVER: {
    ifKeyUnreachable:
      "The server's databases become inaccessible within about ten minutes and come back on their own once the key is reachable again.",
    followsVersions: null,
    revertRefusal: null,
  },
  // docs/azure-contracts.md §5.6.
  SQL_DATABASE: {
    ifKeyUnreachable:
      "The database becomes inaccessible (the server's other databases keep working) and comes back once the key is reachable again.",
    followsVersions: null,
    // Revert is Azure's encryption-protector revert; Azure itself refuses it while the server has a customer key.
    revertRefusal: null,
  },
};
