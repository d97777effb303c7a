import type { CloudProfile } from "@/lib/azure/clouds";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import type { ParsedKeyUri } from "./parse-key-uri";

export type Verdict = "compatible" | "compatible_with_notes" | "incompatible" | "unknown_until_verified";

export interface ServiceVerdict {
  service: ResourceKind;
  label: string;
  verdict: Verdict;
  reasons: string[];
  notes: string[];
}

export interface KeyFactsForCompatibility {
  keyType: string;
  keySize?: number | null;
}

interface ServiceRule {
  label: string;
  sizes: number[];
  /** Clouds where cross-tenant CMK is not offered for this service. */
  unavailableIn?: CloudProfile["name"][];
  uriNote: (versionless: boolean) => string | undefined;
  regionNote?: string;
}

// AZURE_CONTRACTS §4 and §5.5: which keys each CMK service accepts.
const RULES: Record<ResourceKind, ServiceRule> = {
  STORAGE_ACCOUNT: {
    label: "Azure Storage",
    sizes: [2048, 3072, 4096],
    uriNote: (versionless) =>
      versionless
        ? "Storage checks daily for a newer key version and switches to it."
        : "Storage stays on this version until the URI is changed.",
    regionNote:
      "The storage account and the vault must be in the same region; checked when the key is applied.",
  },
  COSMOS_DB_ACCOUNT: {
    label: "Azure Cosmos DB",
    sizes: [2048, 3072, 4096],
    uriNote: (versionless) =>
      versionless
        ? "Cosmos DB follows new key versions automatically."
        : "Cosmos DB only takes versionless URIs: Crosskey will use the versionless form, so Cosmos DB follows new versions automatically.",
  },
  DISK_ENCRYPTION_SET: {
    label: "Managed disks (disk encryption sets)",
    sizes: [2048, 3072, 4096],
    unavailableIn: ["china", "usgov"],
    uriNote: (versionless) =>
      versionless
        ? "Disk encryption sets rotate to a new version within an hour (automatic rotation on)."
        : "Disks stay on this version until the URI is changed.",
    regionNote:
      "The disk encryption set and the vault must be in the same region; checked when the key is applied.",
  },
  SQL_SERVER: {
    label: "Azure SQL Database",
    sizes: [2048, 3072],
    uriNote: (versionless) =>
      versionless
        ? "Azure SQL uses the current version and, with auto-rotation on, picks up new versions within 60 minutes."
        : "Azure SQL stays on this version until the protector is changed.",
  },
};

/**
 * Whether a key fits each service that will use it, before anything is configured. What the URI shows is
 * decided now; type and size wait for verification to read the key.
 */
export function assessKeyCompatibility(input: {
  key: ParsedKeyUri;
  facts?: KeyFactsForCompatibility | null;
  services: ResourceKind[];
  cloud: CloudProfile;
}): ServiceVerdict[] {
  return input.services.map((service) => {
    const rule = RULES[service];
    const reasons: string[] = [];
    const notes = [
      rule.uriNote(input.key.versionless),
      rule.regionNote,
      "The vault needs soft delete and purge protection (verified below).",
    ].filter((n): n is string => Boolean(n));
    if (rule.unavailableIn?.includes(input.cloud.name))
      reasons.push(
        `${rule.label} does not offer cross-tenant customer-managed keys in ${input.cloud.displayName}.`,
      );
    if (input.facts) {
      const { keyType, keySize } = input.facts;
      if (!keyType.startsWith("RSA"))
        reasons.push(`${rule.label} accepts only RSA keys; this is an ${keyType} key.`);
      else if (keySize && !rule.sizes.includes(keySize))
        reasons.push(
          `${rule.label} accepts RSA keys of ${rule.sizes.join(", ")} bits; this key has ${keySize}.`,
        );
      if (service === "COSMOS_DB_ACCOUNT" && keySize && keySize < 3072)
        notes.push("Microsoft recommends RSA 3072 or larger for Cosmos DB.");
    }
    const verdict: Verdict = reasons.length
      ? "incompatible"
      : !input.facts
        ? "unknown_until_verified"
        : !input.key.versionless && service === "COSMOS_DB_ACCOUNT"
          ? "compatible_with_notes"
          : "compatible";
    return { service, label: rule.label, verdict, reasons, notes };
  });
}
