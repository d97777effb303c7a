import { identityWith, isRunning, keyTypeProblems, props, sameKey, versionedUri, versionOf } from "./common";
import type { CmkModule } from "./types";

const API = "2025-01-02";

/** Disk encryption sets (AZURE_CONTRACTS §4.3, seed 004): versioned activeKey.keyUrl + federatedClientId. */
export const diskEncryptionSetModule: CmkModule = {
  kind: "DISK_ENCRYPTION_SET",
  apiVersion: API,
  label: "Disk encryption set",
  check: ({ key, cloudName }) => [
    ...keyTypeProblems(key, "Disk encryption sets", [2048, 3072, 4096]),
    ...(cloudName === "china" || cloudName === "usgov"
      ? [
          {
            code: "CrossTenantNotAvailable",
            message: "Cross-tenant customer-managed keys for managed disks are not offered in this cloud.",
          },
        ]
      : []),
  ],
  plan: ({ resource, key, identity }) => [
    {
      method: "PATCH",
      id: resource.id,
      apiVersion: API,
      description: key.keyVersion
        ? `Point the disk encryption set at the customer's key ${key.keyName}, version ${key.keyVersion}.`
        : `Point the disk encryption set at the customer's key ${key.keyName} (today's version ${key.verifiedVersion}) and let Azure rotate to new versions within an hour.`,
      body: {
        identity: identityWith(resource.body, identity),
        properties: {
          // DiskRP wants a versioned URL; automatic rotation keeps a versionless hand-over current.
          activeKey: { keyUrl: versionedUri(key) },
          federatedClientId: identity.federatedClientId,
          encryptionType: "EncryptionAtRestWithCustomerKey",
          rotationToLatestKeyVersionEnabled: key.keyVersion === null,
        },
      },
    },
  ],
  planRevert: () => [],
  revertNote:
    "A disk encryption set always uses a customer-managed key; move its disks to platform-managed keys instead.",
  observe(body, expected) {
    const p = props(body) as { activeKey?: { keyUrl?: string }; previousKeys?: unknown[] };
    const keyUri = p.activeKey?.keyUrl ?? null;
    const keyVersion = versionOf(keyUri);
    if (isRunning(body))
      return { state: "PENDING", keyUri, keyVersion, detail: "Azure is still applying a change." };
    if (!keyUri)
      return { state: "MICROSOFT_MANAGED", keyUri: null, keyVersion: null, detail: "No active key." };
    if (expected && !sameKey(keyUri, expected))
      return { state: "DRIFTED", keyUri, keyVersion, detail: `Uses ${keyUri}, not the customer's key.` };
    const rotating =
      (p.previousKeys?.length ?? 0) > 0 ? " Disks are still being re-encrypted from the previous key." : "";
    return { state: "APPLIED", keyUri, keyVersion, detail: `Active key ${keyUri}.${rotating}` };
  },
};
