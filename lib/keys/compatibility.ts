import type { CloudName, CloudProfile } from "@/lib/azure/clouds";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import type { ParsedKeyUri } from "./parse-key-uri";

export type Verdict = "compatible" | "compatible_with_notes" | "incompatible" | "unknown_until_verified";

/** Whether one key fits one ISV service. `reasons` explain an "incompatible"; `notes` are what to know. */
export interface ServiceVerdict {
  service: ResourceKind;
  label: string;
  verdict: Verdict;
  reasons: string[];
  notes: string[];
}

/** What verification read from the key and its vault; absent until then. */
export interface KeyFactsForCompatibility {
  keyType: string;
  keySize?: number | null;
  enabled?: boolean | null;
  expiresAt?: Date | null;
  purgeProtected?: boolean | null;
}

/** One service's key rules (docs/azure-contracts.md §5), with what each URI form means for rotation. */
export interface ServiceKeyRule {
  label: string;
  sizes: readonly number[];
  /** Clouds where the service offers no cross-tenant customer-managed keys. */
  unavailableIn: readonly CloudName[];
  sameRegion: boolean;
  /** What a versionless URI means, and what a versioned one means, as Crosskey applies them. */
  versionless: string;
  versioned: string;
}

export const SERVICE_KEY_RULES: Record<ResourceKind, ServiceKeyRule> = {
  STORAGE_ACCOUNT: {
    label: "Azure Storage",
    sizes: [2048, 3072, 4096],
    unavailableIn: [],
    // Microsoft Learn, "Customer-managed keys for Azure Storage encryption": the account and the vault "can be in
    // different … tenants, regions, and subscriptions".
    sameRegion: false,
    versionless: "Azure Storage follows new key versions by itself, checking about once a day.",
    versioned: "Azure Storage stays on this version until the key URI is changed.",
  },
  COSMOS_DB_ACCOUNT: {
    label: "Azure Cosmos DB",
    sizes: [2048, 3072, 4096],
    unavailableIn: [],
    sameRegion: false,
    versionless: "Cosmos DB always uses the key's newest version and follows new versions automatically.",
    versioned:
      "Cosmos DB takes only versionless URIs: Crosskey will use the versionless form, and Cosmos DB follows new versions automatically.",
  },
  DISK_ENCRYPTION_SET: {
    label: "Managed disks (disk encryption sets)",
    sizes: [2048, 3072, 4096],
    // §4.3: cross-tenant disk encryption sets are not offered by 21Vianet or in Azure Government.
    unavailableIn: ["china", "usgov"],
    sameRegion: true,
    versionless:
      "Disk encryption sets need a version: Crosskey uses today's version with automatic rotation on, so disks move to a new version within an hour.",
    versioned: "Disks stay on this version until the key URI is changed (automatic rotation stays off).",
  },
  SQL_SERVER: {
    label: "Azure SQL Database",
    // §4.4: SQL TDE takes RSA 2048 or 3072 only.
    sizes: [2048, 3072],
    unavailableIn: [],
    sameRegion: false,
    versionless:
      "Azure SQL needs a version: Crosskey registers today's version with auto-rotation on, so SQL moves to a new version within 60 minutes.",
    versioned: "Azure SQL stays on this version until the protector is changed (auto-rotation stays off).",
  },
  SQL_DATABASE: {
    label: "Azure SQL databases (one key per database)",
    // §5.6: database-level TDE takes the same keys as server level: RSA 2048 or 3072.
    sizes: [2048, 3072],
    unavailableIn: [],
    sameRegion: false,
    versionless:
      "An Azure SQL database needs a version: Crosskey sets today's version as the database's protector with auto-rotation on, so it moves to new versions by itself.",
    versioned: "The database stays on this version until its protector is changed (auto-rotation stays off).",
  },
};

const RSA_TYPES = new Set(["RSA", "RSA-HSM"]);

/**
 * Whether a key fits each service that will use it, before anything is configured. What the URI and the
 * cloud show is decided at once; type, size and vault settings wait for verification to read them.
 */
export function assessKeyCompatibility(input: {
  key: ParsedKeyUri;
  facts?: KeyFactsForCompatibility | null;
  services: readonly ResourceKind[];
  cloud: CloudProfile;
  now?: Date;
}): ServiceVerdict[] {
  const { key, facts, cloud } = input;
  const now = input.now ?? new Date();
  return input.services.map((service) => {
    const rule = SERVICE_KEY_RULES[service];
    const reasons: string[] = [];
    const rotation = key.versionless ? rule.versionless : rule.versioned;
    // A versioned URI given for Cosmos DB is used in its versionless form: worth a visible note.
    const stripped = service === "COSMOS_DB_ACCOUNT" && !key.versionless;
    const caveats: string[] = stripped ? [rotation] : [];
    const info: string[] = stripped ? [] : [rotation];
    if (rule.unavailableIn.includes(cloud.name))
      reasons.push(
        `${rule.label} does not offer customer-managed keys from another tenant in ${cloud.displayName}.`,
      );
    if (rule.sameRegion)
      info.push(
        `Region: the vault must be in the same region as the ${rule.label} resource; checked when the key is applied.`,
      );
    // Every one of these services takes a Managed HSM key (RSA-HSM); the service reaches it as the app, which an HSM
    // authorizes only with its own role assignments (Microsoft Learn, "Managed HSM role management").
    if (key.vaultKind === "MANAGED_HSM")
      info.push(
        `Managed HSM: ${rule.label} reaches the key as your app, which needs "Managed HSM Crypto Service Encryption User" from the HSM's own role assignments (local RBAC), not Access control (IAM).`,
      );
    if (service === "COSMOS_DB_ACCOUNT")
      info.push(
        "The vault must allow public access or trusted Microsoft services; private-endpoint-only vaults are refused.",
      );

    let pending = !facts;
    if (facts) {
      pending = judgeKey(rule, service, facts, now, reasons, caveats);
      if (facts.purgeProtected === false)
        reasons.push(
          `The vault has no purge protection; ${rule.label} requires it. Turn it on for the vault (it cannot be turned off again).`,
        );
    }
    if (facts?.purgeProtected == null)
      info.push("Purge protection is required on the vault; checked when the key is verified.");
    const needs = `${rule.label} needs RSA or RSA-HSM, ${rule.sizes.join(", ")} bits`;
    if (!facts) info.push(`Key type and size are checked when the key is verified: ${needs}.`);
    else if (pending) info.push(`The key's size is not known yet: ${needs}.`);

    const verdict: Verdict = reasons.length
      ? "incompatible"
      : pending
        ? "unknown_until_verified"
        : caveats.length
          ? "compatible_with_notes"
          : "compatible";
    return { service, label: rule.label, verdict, reasons, notes: [...caveats, ...info] };
  });
}

/** Adds what the key's own properties rule out or warn about; returns true while its size is unknown. */
function judgeKey(
  rule: ServiceKeyRule,
  service: ResourceKind,
  facts: KeyFactsForCompatibility,
  now: Date,
  reasons: string[],
  caveats: string[],
): boolean {
  const { keyType, keySize } = facts;
  // §5.5: every one of these services wraps with RSA; EC and oct keys are never accepted.
  if (!RSA_TYPES.has(keyType))
    reasons.push(`${rule.label} accepts only RSA keys; this key's type is ${keyType}.`);
  else if (keySize && !rule.sizes.includes(keySize))
    reasons.push(`${rule.label} accepts RSA keys of ${rule.sizes.join(", ")} bits; this key has ${keySize}.`);
  if (service === "COSMOS_DB_ACCOUNT" && keySize && keySize < 3072 && RSA_TYPES.has(keyType))
    caveats.push(`Microsoft recommends RSA 3072 or larger for Cosmos DB; this key has ${keySize} bits.`);
  if (facts.enabled === false)
    reasons.push(`The key is disabled; ${rule.label} cannot use it until it is enabled again.`);
  const day = facts.expiresAt?.toISOString().slice(0, 10);
  if (facts.expiresAt && facts.expiresAt <= now)
    reasons.push(`The key expired on ${day}; ${rule.label} cannot wrap new data keys with it.`);
  else if (facts.expiresAt)
    caveats.push(
      `The key expires on ${day}; create a new version before then, or ${rule.label} stops encrypting new data.`,
    );
  return RSA_TYPES.has(keyType) && !keySize && reasons.length === 0;
}
