import "server-only";
import { z } from "zod";
import type { VerificationResult } from "@/lib/keys/verify/types";

/**
 * What the health monitor found about one customer key, each with the broken hop and the fix in words.
 * Pure: the same inputs always give the same findings, so the rules are unit-tested without Azure.
 */
export const FINDING_CODES = [
  "consent_removed",
  "sign_in_failed",
  "vault_unreachable",
  "role_removed",
  "key_deleted",
  "key_disabled",
  "key_expired",
  "key_unusable",
  "key_expiring_30",
  "key_expiring_7",
  "key_expiring_1",
  "resource_drifted",
  "rotation_lag",
  "safe_to_disable",
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  /** critical: the key cannot be used (an outage); warning: act soon; info: good to know. */
  severity: z.enum(["critical", "warning", "info"]),
  /** The hop of the chain where it broke, as verification names it. */
  hop: z.string().optional(),
  summary: z.string(),
  fix: z.string().optional(),
  azureCode: z.string().optional(),
  /** Key versions the finding is about (rotation lag, safe to disable). */
  versions: z.array(z.string()).optional(),
  /** Resources the finding is about (names). */
  resources: z.array(z.string()).optional(),
});
export type Finding = z.infer<typeof findingSchema>;
export const findingsSchema = z.array(findingSchema);

export type KeyHealthLevel = "HEALTHY" | "WARNING" | "UNREACHABLE";

export interface ResourceView {
  name: string;
  /** The key version the resource reports using, from its own ARM view; null when it does not say. */
  version: string | null;
  state: "MICROSOFT_MANAGED" | "APPLIED" | "PENDING" | "DRIFTED" | "FAILED";
  detail: string;
}

export interface HealthInput {
  verification: VerificationResult;
  /** The version the vault reports as current (null when the key could not be read). */
  latestVersion: string | null;
  resources: ResourceView[];
  /** Findings of the previous check: "safe to disable" remembers which versions were lagging. */
  previous: Finding[];
  /** When the key was last seen healthy, and the vault's retention: the soft-delete recovery deadline. */
  lastSeenAt: Date | null;
  recoverableDays: number | null;
  now: Date;
  /** Where the key lives: the fixes name the vault or Managed HSM and the key, as `az` wants them. */
  key: { vaultKind: "VAULT" | "MANAGED_HSM"; vaultHost: string; keyName: string };
}

const DAY_MS = 86_400_000;

export function deriveKeyHealth(input: HealthInput): {
  health: KeyHealthLevel;
  findings: Finding[];
  /** Sorted codes of the critical and warning findings: what a notification is about. */
  problem: string | null;
} {
  const chain = chainFindings(input);
  // While the key cannot be reached, which version is current is unknown: no rotation advice then.
  const reachable = !chain.some((f) => f.severity === "critical");
  const findings = [
    ...chain,
    ...resourceFindings({ ...input, latestVersion: reachable ? input.latestVersion : null }),
  ];
  const health = findings.some((f) => f.severity === "critical")
    ? "UNREACHABLE"
    : findings.some((f) => f.severity === "warning")
      ? "WARNING"
      : "HEALTHY";
  const codes = findings
    .filter((f) => f.severity !== "info")
    .map((f) => f.code)
    .sort();
  return { health, findings, problem: codes.length ? codes.join(",") : null };
}

function chainFindings({ verification, lastSeenAt, recoverableDays, now, key }: HealthInput): Finding[] {
  const broken = verification.hops.find((h) => h.status === "failed" || h.status === "waiting");
  const facts = verification.facts;
  if (!broken) {
    if (!facts?.expiresAt) return [];
    const left = new Date(facts.expiresAt).getTime() - now.getTime();
    const bucket = left <= DAY_MS ? 1 : left <= 7 * DAY_MS ? 7 : left <= 30 * DAY_MS ? 30 : null;
    if (bucket === null) return [];
    return [
      {
        code: `key_expiring_${bucket}` as FindingCode,
        severity: "warning",
        hop: "properties",
        summary: `The key expires on ${facts.expiresAt.slice(0, 10)} (within ${bucket === 1 ? "a day" : `${bucket} days`}). After that Azure services cannot wrap new data keys with it.`,
        fix: "Extend the key's expiry, or create a new version and let the services follow it.",
      },
    ];
  }
  const base = { hop: broken.id, azureCode: broken.azureCode, fix: broken.fix };
  const code = broken.azureCode ?? "";
  if (broken.id === "token") {
    return code === "AADSTS700016"
      ? [
          {
            ...base,
            code: "consent_removed",
            severity: "critical",
            summary:
              "The app is no longer in the customer's tenant: admin consent was removed or its service principal was deleted. Azure services cannot reach the key.",
            fix: "The customer's admin grants admin consent again from their onboarding page.",
          },
        ]
      : [{ ...base, code: "sign_in_failed", severity: "critical", summary: broken.summary }];
  }
  if (broken.id === "vault" || code === "VaultNotFound")
    return [
      {
        ...base,
        code: "vault_unreachable",
        severity: "critical",
        summary:
          code === "VaultNotFound" || code === "ENOTFOUND"
            ? "The vault no longer exists (its name does not resolve): it was deleted or renamed. Azure services cannot reach the key."
            : broken.summary,
      },
    ];
  // AccessDenied: a Managed HSM's refusal when its local role assignment is gone.
  if (code === "ForbiddenByRbac" || code === "ForbiddenByPolicy" || code === "AccessDenied") {
    return [
      {
        ...base,
        code: "role_removed",
        severity: "critical",
        summary:
          "The app's role on the key was removed: Azure services can no longer wrap or unwrap with it, so encrypted data becomes unreadable.",
      },
    ];
  }
  if (broken.id === "key" && (code === "KeyNotFound" || /not found|no key named/i.test(broken.summary))) {
    const deadline =
      lastSeenAt && recoverableDays ? new Date(lastSeenAt.getTime() + recoverableDays * DAY_MS) : null;
    return [
      {
        ...base,
        code: "key_deleted",
        severity: "critical",
        summary: deadline
          ? `The key no longer exists in the vault: it was deleted after ${lastSeenAt!.toISOString().slice(0, 16).replace("T", " ")} UTC. The vault keeps deleted keys for ${recoverableDays} days, so it can be recovered until at least ${deadline.toISOString().slice(0, 10)}.`
          : "The key no longer exists in the vault: it was deleted. If the vault has soft delete, recover it before its retention period ends.",
        fix: recoverCommand(key),
      },
    ];
  }
  if (facts && !facts.enabled) {
    return [
      {
        ...base,
        code: "key_disabled",
        severity: "critical",
        summary:
          "The key is disabled: Azure services cannot wrap or unwrap with it, so encrypted data is unreadable until it is enabled.",
      },
    ];
  }
  if (facts?.expiresAt && new Date(facts.expiresAt) <= now) {
    return [
      {
        ...base,
        code: "key_expired",
        severity: "critical",
        summary: `The key expired on ${facts.expiresAt.slice(0, 10)}: Azure services cannot wrap new data keys with it.`,
      },
    ];
  }
  if (/disabled/i.test(broken.summary)) {
    return [{ ...base, code: "key_disabled", severity: "critical", summary: broken.summary }];
  }
  return [{ ...base, code: "key_unusable", severity: "critical", summary: broken.summary }];
}

/**
 * Recovering a soft-deleted key: `az keyvault key recover` takes `--vault-name` for a vault and `--hsm-name` for
 * a Managed HSM (https://learn.microsoft.com/cli/azure/keyvault/key#az-keyvault-key-recover).
 */
function recoverCommand({ vaultKind, vaultHost, keyName }: HealthInput["key"]): string {
  const name = vaultHost.split(".")[0];
  return vaultKind === "MANAGED_HSM"
    ? `az keyvault key recover --hsm-name ${name} --name ${keyName}`
    : `az keyvault key recover --vault-name ${name} --name ${keyName}`;
}

function resourceFindings({ resources, latestVersion, previous }: HealthInput): Finding[] {
  const findings: Finding[] = [];
  const drifted = resources.filter((r) => r.state === "DRIFTED" || r.state === "FAILED");
  if (drifted.length) {
    findings.push({
      code: "resource_drifted",
      severity: "warning",
      summary: `${drifted.length} resource(s) no longer use the key as applied: ${drifted.map((r) => `${r.name} (${r.detail})`).join("; ")}.`,
      resources: drifted.map((r) => r.name),
      fix: "Re-check the resource in the console, then apply the key again.",
    });
  }
  if (!latestVersion) return findings;
  const lagging = resources.filter((r) => r.version && r.version !== latestVersion);
  const oldVersions = [...new Set(lagging.map((r) => r.version!))].sort();
  if (lagging.length) {
    findings.push({
      code: "rotation_lag",
      severity: "info",
      summary: `${lagging.length} of ${resources.length} resource(s) still use version ${oldVersions.join(", ")}, not the current ${latestVersion}: it is not yet safe to disable ${oldVersions.length > 1 ? "those versions" : "that version"}.`,
      versions: oldVersions,
      resources: lagging.map((r) => r.name),
    });
    return findings;
  }
  const earlier = previous
    .filter((f) => f.code === "rotation_lag" || f.code === "safe_to_disable")
    .flatMap((f) => f.versions ?? [])
    .filter((v) => v !== latestVersion);
  const released = [...new Set(earlier)].sort();
  if (released.length) {
    findings.push({
      code: "safe_to_disable",
      severity: "info",
      summary: `Every resource now reports version ${latestVersion}; version ${released.join(", ")} is no longer in use and can be disabled.`,
      versions: released,
    });
  }
  return findings;
}
