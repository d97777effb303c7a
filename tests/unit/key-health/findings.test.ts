import { describe, expect, it } from "vitest";
import { deriveKeyHealth, type HealthInput } from "@/lib/key-health/findings";
import { HOPS, type HopResult, type KeyFacts, type VerificationResult } from "@/lib/keys/verify/types";

const NOW = new Date("2026-12-02T12:00:00Z");
const facts = (over: Partial<KeyFacts> = {}): KeyFacts => ({
  keyType: "RSA",
  keySize: 3072,
  enabled: true,
  notBefore: null,
  expiresAt: null,
  recoveryLevel: "Recoverable",
  version: "v2",
  keyOps: ["wrapKey", "unwrapKey"],
  ...over,
});

function result(broken?: Partial<HopResult> & { id: HopResult["id"] }, f?: KeyFacts): VerificationResult {
  const at = broken ? HOPS.findIndex((h) => h.id === broken.id) : HOPS.length;
  return {
    outcome: broken ? "failed" : "verified",
    facts: f ?? (broken ? undefined : facts()),
    checkedAt: NOW.toISOString(),
    hops: HOPS.map((h, i): HopResult =>
      i < at
        ? { id: h.id, label: h.label, status: "passed", summary: "ok" }
        : i === at
          ? { label: h.label, status: "failed", summary: "broken", ...broken!, id: h.id }
          : { id: h.id, label: h.label, status: "skipped", summary: "" },
    ),
  };
}

const input = (over: Partial<HealthInput>): HealthInput => ({
  verification: result(),
  latestVersion: "v2",
  resources: [],
  previous: [],
  lastSeenAt: null,
  recoverableDays: null,
  now: NOW,
  key: { vaultKind: "VAULT", vaultHost: "kv-contoso.vault.azure.net", keyName: "crosskey-cmk" },
  ...over,
});

describe("key health findings name the broken hop", () => {
  it("a key that passes every hop and has no expiry is healthy with no findings", () => {
    expect(deriveKeyHealth(input({}))).toEqual({ health: "HEALTHY", findings: [], problem: null });
  });

  it.each([
    [{ id: "token", azureCode: "AADSTS700016" }, "consent_removed"],
    [{ id: "token", azureCode: "AADSTS7000215" }, "sign_in_failed"],
    [{ id: "vault", azureCode: "ENOTFOUND" }, "vault_unreachable"],
    [{ id: "key", azureCode: "VaultNotFound" }, "vault_unreachable"],
    [{ id: "key", azureCode: "ForbiddenByRbac" }, "role_removed"],
    [{ id: "wrap_unwrap", azureCode: "ForbiddenByRbac" }, "role_removed"],
    [{ id: "key", azureCode: "KeyNotFound" }, "key_deleted"],
    [
      { id: "properties", azureCode: "KeyDisabled", summary: "The key is disabled; nothing…" },
      "key_disabled",
    ],
  ] as const)("%o → %s, critical, key unreachable", (hop, code) => {
    const out = deriveKeyHealth(input({ verification: result(hop) }));
    expect(out.health).toBe("UNREACHABLE");
    expect(out.findings.map((f) => f.code)).toEqual([code]);
    expect(out.findings[0]!.severity).toBe("critical");
    expect(out.problem).toBe(code);
  });

  it("a deleted key's fix recovers it from its own vault, or its Managed HSM with --hsm-name", () => {
    const deleted = result({ id: "key", azureCode: "KeyNotFound" });
    expect(deriveKeyHealth(input({ verification: deleted })).findings[0]!.fix).toBe(
      "az keyvault key recover --vault-name kv-contoso --name crosskey-cmk",
    );
    const hsm = {
      vaultKind: "MANAGED_HSM",
      vaultHost: "mhsm-contoso.managedhsm.azure.net",
      keyName: "hsm-key",
    } as const;
    expect(deriveKeyHealth(input({ verification: deleted, key: hsm })).findings[0]!.fix).toBe(
      "az keyvault key recover --hsm-name mhsm-contoso --name hsm-key",
    );
  });

  it("an expired key is named as expired, with its date", () => {
    const out = deriveKeyHealth(
      input({ verification: result({ id: "properties" }, facts({ expiresAt: "2026-11-30T00:00:00.000Z" })) }),
    );
    expect(out.findings[0]).toMatchObject({ code: "key_expired", severity: "critical" });
    expect(out.findings[0]!.summary).toContain("2026-11-30");
  });

  it.each([
    ["2026-12-02T20:00:00.000Z", "key_expiring_1"],
    ["2026-12-07T00:00:00.000Z", "key_expiring_7"],
    ["2026-12-25T00:00:00.000Z", "key_expiring_30"],
  ])("a key expiring on %s is a warning in the %s bucket", (expiresAt, code) => {
    const out = deriveKeyHealth(input({ verification: result(undefined, facts({ expiresAt })) }));
    expect(out.health).toBe("WARNING");
    expect(out.findings.map((f) => f.code)).toEqual([code]);
  });

  it("a key expiring in 31 days is healthy", () => {
    const out = deriveKeyHealth(
      input({ verification: result(undefined, facts({ expiresAt: "2027-01-02T13:00:00.000Z" })) }),
    );
    expect(out.health).toBe("HEALTHY");
  });

  it("a deleted key gives the recovery deadline from the last time it was seen", () => {
    const out = deriveKeyHealth(
      input({
        verification: result({ id: "key", azureCode: "KeyNotFound" }),
        lastSeenAt: new Date("2026-12-01T08:00:00Z"),
        recoverableDays: 90,
      }),
    );
    expect(out.findings[0]!.summary).toContain("until at least 2027-03-01");
  });
});

describe("rotation lag and safe to disable", () => {
  const res = (name: string, version: string | null) => ({
    name,
    version,
    state: "APPLIED" as const,
    detail: "applied",
  });

  it("resources on an older version are rotation lag, and the key stays healthy", () => {
    const out = deriveKeyHealth(input({ resources: [res("a", "v1"), res("b", "v2"), res("c", "v1")] }));
    expect(out.health).toBe("HEALTHY");
    expect(out.findings).toEqual([
      expect.objectContaining({
        code: "rotation_lag",
        severity: "info",
        versions: ["v1"],
        resources: ["a", "c"],
      }),
    ]);
    expect(out.findings[0]!.summary).toMatch(
      /2 of 3 resource\(s\) still use version v1.*not yet safe to disable/,
    );
  });

  it("once every resource reports the new version, the old one is safe to disable", () => {
    const lag = deriveKeyHealth(input({ resources: [res("a", "v1")] })).findings;
    const out = deriveKeyHealth(input({ resources: [res("a", "v2")], previous: lag }));
    expect(out.findings).toEqual([expect.objectContaining({ code: "safe_to_disable", versions: ["v1"] })]);
  });

  it("never calls the current version safe to disable", () => {
    const out = deriveKeyHealth(
      input({
        resources: [res("a", "v2")],
        previous: [{ code: "rotation_lag", severity: "info", summary: "", versions: ["v2"] }],
      }),
    );
    expect(out.findings).toEqual([]);
  });

  it("a resource that drifted is a warning naming it", () => {
    const out = deriveKeyHealth(
      input({
        resources: [{ name: "st1", version: null, state: "DRIFTED", detail: "uses Microsoft-managed keys" }],
      }),
    );
    expect(out.health).toBe("WARNING");
    expect(out.findings[0]).toMatchObject({ code: "resource_drifted", resources: ["st1"] });
  });
});
