import "server-only";
import { z } from "zod";
import {
  armBodySchema,
  identityWith,
  isRunning,
  keyAndIdentityCheck,
  observeKeyUri,
  parseArmBody,
  versionedUri,
  versionOf,
} from "./common";
import type { CmkModule } from "./types";

const API = "2025-01-02";

/** §4.3 read-back: `previousKeys` is non-empty while disks are re-encrypted; `autoKeyRotationError` stops rotation. */
const desBodySchema = armBodySchema(
  z.looseObject({
    provisioningState: z.string().optional(),
    encryptionType: z.string().nullish(),
    activeKey: z.looseObject({ keyUrl: z.string().nullish() }).nullish(),
    previousKeys: z.array(z.unknown()).nullish(),
    autoKeyRotationError: z
      .looseObject({ code: z.string().optional(), message: z.string().optional() })
      .nullish(),
  }),
);

// Keep double encryption where the set already has it; any other set becomes a plain customer-key set.
const KEPT_TYPES = new Set([
  "EncryptionAtRestWithPlatformAndCustomerKeys",
  "ConfidentialVmEncryptedWithCustomerKey",
]);

/** Disk encryption sets (docs/azure-contracts.md §5.3): versioned activeKey.keyUrl + federatedClientId. */
export const diskEncryptionSetModule: CmkModule = {
  kind: "DISK_ENCRYPTION_SET",
  apiVersion: API,
  label: "Disk encryption set",
  check: (input) => [
    ...keyAndIdentityCheck("Disk encryption sets", [2048, 3072, 4096])(input),
    ...(input.cloudName === "china" || input.cloudName === "usgov"
      ? [
          {
            code: "CrossTenantNotAvailable",
            message: "Cross-tenant customer-managed keys for managed disks are not offered in this cloud.",
          },
        ]
      : []),
  ],
  plan: ({ resource, key, identity }) => {
    const current = desBodySchema.catch({}).parse(resource.body ?? {}).properties?.encryptionType;
    return [
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
            encryptionType: current && KEPT_TYPES.has(current) ? current : "EncryptionAtRestWithCustomerKey",
            rotationToLatestKeyVersionEnabled: key.keyVersion === null,
          },
        },
      },
    ];
  },
  planRevert: () => [],
  revertNote:
    "A disk encryption set always uses a customer-managed key; move its disks to platform-managed keys instead.",
  observe(body, expected) {
    const parsed = parseArmBody(desBodySchema, body, "disk encryption set");
    const p = parsed.properties ?? {};
    const keyUri = p.activeKey?.keyUrl ?? null;
    const keyVersion = versionOf(keyUri);
    const notes = [
      (p.previousKeys?.length ?? 0) > 0 ? "Disks are still being re-encrypted from the previous key." : "",
      p.autoKeyRotationError
        ? `Automatic rotation stopped: ${p.autoKeyRotationError.message ?? p.autoKeyRotationError.code}`
        : "",
    ].filter(Boolean);
    // A versionless hand-over rotates: the DES may be on a newer version than the one planned.
    return observeKeyUri({
      running: isRunning(parsed),
      keyUri,
      keyVersion,
      expected,
      pending: "Azure is still applying a change.",
      none: "No active key.",
      applied: () => [`Active key ${keyUri}.`, ...notes].join(" "),
      azureStatus: p.autoKeyRotationError?.code,
    });
  },
};
