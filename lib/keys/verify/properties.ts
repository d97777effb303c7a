import "server-only";
import type { KeyVaultKey } from "@azure/keyvault-keys";
import {
  enableKeyCommand,
  extendExpiryCommand,
  keyOpsCommand,
  newRsaKeyCommand,
  purgeProtectionCommand,
} from "./fixes";
import type { HopResult, KeyFacts, KeyTarget } from "./types";

const THIRTY_DAYS_MS = 30 * 86_400_000;

export function factsOf(key: KeyVaultKey): KeyFacts {
  const n = key.key?.n;
  return {
    keyType: key.keyType ?? "unknown",
    keySize: n ? n.length * 8 : undefined,
    enabled: key.properties.enabled !== false,
    notBefore: key.properties.notBefore?.toISOString() ?? null,
    expiresAt: key.properties.expiresOn?.toISOString() ?? null,
    recoveryLevel: key.properties.recoveryLevel ?? null,
    version: key.properties.version ?? "",
    keyOps: key.keyOperations ?? [],
  };
}

/** Type, size, enabled, validity window and permitted operations: what every CMK service needs of a key. */
export function checkKeyProperties(facts: KeyFacts, key: KeyTarget, now = new Date()): HopResult {
  const failed = (summary: string, fix?: string): HopResult => ({
    id: "properties",
    label: "",
    status: "failed",
    summary,
    fix,
  });
  if (facts.keyType !== "RSA" && facts.keyType !== "RSA-HSM") {
    return failed(
      `This is an ${facts.keyType} key; Azure Storage, Cosmos DB, disks and SQL accept only RSA keys. Create an RSA 3072 key.`,
      newRsaKeyCommand(key),
    );
  }
  if (facts.keySize !== undefined && facts.keySize < 2048)
    return failed(
      `The key is ${facts.keySize}-bit; at least 2048 is required (3072 recommended).`,
      newRsaKeyCommand(key),
    );
  if (!facts.enabled)
    return failed(
      "The key is disabled; nothing can be encrypted with it until it is enabled.",
      enableKeyCommand(key),
    );
  if (facts.notBefore && new Date(facts.notBefore) > now) {
    return failed(`The key is not valid before ${facts.notBefore}; Azure will not wrap with it until then.`);
  }
  if (facts.expiresAt && new Date(facts.expiresAt) <= now) {
    return failed(
      `The key expired on ${facts.expiresAt}; Azure cannot wrap new data keys with it. Extend its expiry or rotate it.`,
      extendExpiryCommand(key),
    );
  }
  const missingOps = ["wrapKey", "unwrapKey"].filter(
    (op) => facts.keyOps.length > 0 && !facts.keyOps.includes(op),
  );
  if (missingOps.length)
    return failed(`The key does not permit ${missingOps.join(" and ")}.`, keyOpsCommand(key));
  const size = facts.keySize ? `${facts.keySize}-bit ` : "";
  if (facts.expiresAt && new Date(facts.expiresAt).getTime() - now.getTime() < THIRTY_DAYS_MS) {
    return {
      id: "properties",
      label: "",
      status: "warning",
      summary: `${size}${facts.keyType} key, enabled, but it expires on ${facts.expiresAt}: rotate or extend it soon.`,
      fix: extendExpiryCommand(key),
    };
  }
  return {
    id: "properties",
    label: "",
    status: "passed",
    summary: `${size}${facts.keyType} key, enabled, wrapKey and unwrapKey allowed${facts.expiresAt ? `, expires ${facts.expiresAt.slice(0, 10)}` : ", no expiry"}.`,
  };
}

/** Soft delete with purge protection shows in recoveryLevel as a level without "Purgeable". */
export function checkPurgeProtection(facts: KeyFacts, key: KeyTarget): HopResult {
  if (!facts.recoveryLevel) {
    return {
      id: "purge_protection",
      label: "",
      status: "warning",
      summary: "Key Vault did not report the recovery level; purge protection could not be confirmed.",
    };
  }
  if (facts.recoveryLevel.includes("Purgeable")) {
    return {
      id: "purge_protection",
      label: "",
      status: "failed",
      summary: `The vault can be purged (recovery level ${facts.recoveryLevel}); Azure requires purge protection before it will use a customer key.`,
      fix: purgeProtectionCommand(key),
    };
  }
  return {
    id: "purge_protection",
    label: "",
    status: "passed",
    summary: `Soft delete with purge protection is on (${facts.recoveryLevel}).`,
  };
}
