import { describe, expect, it } from "vitest";
import { getCloudProfile, type CloudName } from "@/lib/azure/clouds";
import { assessKeyCompatibility, type KeyFactsForCompatibility } from "@/lib/keys/compatibility";
import { parseKeyUri } from "@/lib/keys/parse-key-uri";

const ALL = ["STORAGE_ACCOUNT", "COSMOS_DB_ACCOUNT", "DISK_ENCRYPTION_SET", "SQL_SERVER"] as const;
const NOW = new Date("2026-03-01T00:00:00Z");
const key = (uri: string, cloud: CloudName = "public") => {
  const r = parseKeyUri(uri, getCloudProfile(cloud));
  if (!r.ok) throw new Error(r.problem.message);
  return r.key;
};
const versioned = key("https://contoso.vault.azure.net/keys/k/78deebed173b48e48f55abf87ed4cf71");
const versionless = key("https://contoso.vault.azure.net/keys/k");
const good: KeyFactsForCompatibility = { keyType: "RSA", keySize: 3072, enabled: true, purgeProtected: true };

function verdicts(
  facts: KeyFactsForCompatibility | null,
  opts: { cloud?: CloudName; k?: typeof versioned } = {},
) {
  const cloud = getCloudProfile(opts.cloud ?? "public");
  const list = assessKeyCompatibility({ key: opts.k ?? versioned, facts, services: ALL, cloud, now: NOW });
  return Object.fromEntries(list.map((v) => [v.service, v]));
}

describe("[keys] does the key fit each service", () => {
  it("without facts: type and size wait for verification, what the URI shows is said now", () => {
    const v = verdicts(null);
    expect(Object.values(v).map((x) => x.verdict)).toEqual(Array(4).fill("unknown_until_verified"));
    expect(v.SQL_SERVER!.notes.join(" ")).toMatch(/checked when the key is verified: .*2048, 3072 bits/);
    expect(v.COSMOS_DB_ACCOUNT!.notes[0]).toMatch(/Crosskey will use the versionless form/);
    // Storage takes a vault in any region (Microsoft Learn, "Customer-managed keys for Azure Storage encryption").
    expect(v.STORAGE_ACCOUNT!.notes.join(" ")).not.toMatch(/Region/);
    expect(v.DISK_ENCRYPTION_SET!.notes.join(" ")).toMatch(/Region: .*checked when the key is applied/);
    expect(v.STORAGE_ACCOUNT!.notes.join(" ")).toMatch(/Purge protection is required/);
  });

  it("refuses EC keys everywhere, software or HSM", () => {
    for (const keyType of ["EC", "EC-HSM", "oct-HSM"]) {
      for (const v of Object.values(verdicts({ keyType, keySize: 256 }))) {
        expect(v.verdict).toBe("incompatible");
        expect(v.reasons[0]).toBe(`${v.label} accepts only RSA keys; this key's type is ${keyType}.`);
      }
    }
  });

  it("refuses RSA 4096 for Azure SQL only", () => {
    const v = verdicts({ ...good, keySize: 4096 });
    expect(v.SQL_SERVER!.verdict).toBe("incompatible");
    expect(v.SQL_SERVER!.reasons).toEqual([
      "Azure SQL Database accepts RSA keys of 2048, 3072 bits; this key has 4096.",
    ]);
    expect([v.STORAGE_ACCOUNT!.verdict, v.DISK_ENCRYPTION_SET!.verdict]).toEqual([
      "compatible",
      "compatible",
    ]);
    expect(v.COSMOS_DB_ACCOUNT!.verdict).toBe("compatible_with_notes");
  });

  it("takes RSA-HSM (Managed HSM) keys for every service", () => {
    const hsm = key("https://contoso.managedhsm.azure.net/keys/k");
    const v = verdicts({ ...good, keyType: "RSA-HSM" }, { k: hsm });
    expect(Object.values(v).map((x) => x.verdict)).toEqual(Array(4).fill("compatible"));
    for (const x of Object.values(v))
      expect(x.notes).toContain(
        `Managed HSM: ${x.label} reaches the key as your app, which needs "Managed HSM Crypto Service Encryption User" from the HSM's own role assignments (local RBAC), not Access control (IAM).`,
      );
    expect(verdicts({ ...good }).SQL_SERVER!.notes.join(" ")).not.toMatch(/Managed HSM/);
  });

  it("Cosmos DB: a versioned URI is used in its versionless form, and RSA 2048 gets a recommendation", () => {
    const cosmos = verdicts(good).COSMOS_DB_ACCOUNT!;
    expect(cosmos.verdict).toBe("compatible_with_notes");
    expect(cosmos.notes[0]).toMatch(
      /Crosskey will use the versionless form, and Cosmos DB follows new versions/,
    );
    expect(verdicts(good, { k: versionless }).COSMOS_DB_ACCOUNT!.verdict).toBe("compatible");
    const small = verdicts({ ...good, keySize: 2048 }, { k: versionless }).COSMOS_DB_ACCOUNT!;
    expect(small.verdict).toBe("compatible_with_notes");
    expect(small.notes[0]).toMatch(/recommends RSA 3072 or larger/);
  });

  it("explains what a versionless URI means for each service's rotation", () => {
    const v = verdicts(good, { k: versionless });
    expect(v.STORAGE_ACCOUNT!.notes[0]).toMatch(/about once a day/);
    expect(v.DISK_ENCRYPTION_SET!.notes[0]).toMatch(/within an hour/);
    expect(v.SQL_SERVER!.notes[0]).toMatch(/auto-rotation on.*within 60 minutes/);
    expect(v.COSMOS_DB_ACCOUNT!.notes[0]).toMatch(/follows new versions automatically/);
  });

  it.each(["usgov", "china"] as const)("refuses disk encryption sets in %s, whatever the key", (cloud) => {
    const k = key(`https://contoso.${getCloudProfile(cloud).keyVaultSuffixes[0]}/keys/k`, cloud);
    for (const facts of [good, null]) {
      const v = verdicts(facts, { cloud, k });
      expect(v.DISK_ENCRYPTION_SET!.verdict).toBe("incompatible");
      expect(v.DISK_ENCRYPTION_SET!.reasons[0]).toMatch(
        new RegExp(getCloudProfile(cloud).displayName.replace(/[()]/g, "\\$&")),
      );
      expect(v.STORAGE_ACCOUNT!.verdict).not.toBe("incompatible");
    }
  });

  it("refuses a disabled key, an expired key and a vault without purge protection; warns of a coming expiry", () => {
    expect(verdicts({ ...good, enabled: false }).STORAGE_ACCOUNT!.reasons[0]).toMatch(/disabled/);
    const expired = verdicts({ ...good, expiresAt: new Date("2026-02-01T00:00:00Z") }).SQL_SERVER!;
    expect(expired.verdict).toBe("incompatible");
    expect(expired.reasons[0]).toMatch(/expired on 2026-02-01/);
    const noPurge = verdicts({ ...good, purgeProtected: false });
    expect(Object.values(noPurge).every((v) => v.verdict === "incompatible")).toBe(true);
    const soon = verdicts({ ...good, expiresAt: new Date("2026-06-01T00:00:00Z") }).STORAGE_ACCOUNT!;
    expect(soon.verdict).toBe("compatible_with_notes");
    expect(soon.notes[0]).toMatch(/expires on 2026-06-01/);
  });

  it("keeps size-dependent verdicts open while the size is unknown", () => {
    expect(verdicts({ keyType: "RSA", keySize: null }).SQL_SERVER!.verdict).toBe("unknown_until_verified");
  });
});

describe("[keys] compatibility: the whole answer, word for word", () => {
  const REGION = (label: string) =>
    `Region: the vault must be in the same region as the ${label} resource; checked when the key is applied.`;
  const COSMOS_NETWORK =
    "The vault must allow public access or trusted Microsoft services; private-endpoint-only vaults are refused.";
  const PURGE_LATER = "Purge protection is required on the vault; checked when the key is verified.";

  it("a verified RSA 3072 key behind a versionless URI fits every service, with rotation and region notes only where they apply", () => {
    expect(
      assessKeyCompatibility({
        key: versionless,
        facts: good,
        services: ALL,
        cloud: getCloudProfile("public"),
        now: NOW,
      }),
    ).toEqual([
      {
        service: "STORAGE_ACCOUNT",
        label: "Azure Storage",
        verdict: "compatible",
        reasons: [],
        notes: ["Azure Storage follows new key versions by itself, checking about once a day."],
      },
      {
        service: "COSMOS_DB_ACCOUNT",
        label: "Azure Cosmos DB",
        verdict: "compatible",
        reasons: [],
        notes: [
          "Cosmos DB always uses the key's newest version and follows new versions automatically.",
          COSMOS_NETWORK,
        ],
      },
      {
        service: "DISK_ENCRYPTION_SET",
        label: "Managed disks (disk encryption sets)",
        verdict: "compatible",
        reasons: [],
        notes: [
          "Disk encryption sets need a version: Crosskey uses today's version with automatic rotation on, so disks move to a new version within an hour.",
          REGION("Managed disks (disk encryption sets)"),
        ],
      },
      {
        service: "SQL_SERVER",
        label: "Azure SQL Database",
        verdict: "compatible",
        reasons: [],
        notes: [
          "Azure SQL needs a version: Crosskey registers today's version with auto-rotation on, so SQL moves to a new version within 60 minutes.",
        ],
      },
    ]);
  });

  it("before verification: what each service needs, with the versioned URI's meaning per service", () => {
    const notes = Object.fromEntries(
      assessKeyCompatibility({
        key: versioned,
        facts: null,
        services: ALL,
        cloud: getCloudProfile("public"),
        now: NOW,
      }).map((v) => [v.service, v.notes]),
    );
    expect(notes).toEqual({
      STORAGE_ACCOUNT: [
        "Azure Storage stays on this version until the key URI is changed.",
        PURGE_LATER,
        "Key type and size are checked when the key is verified: Azure Storage needs RSA or RSA-HSM, 2048, 3072, 4096 bits.",
      ],
      COSMOS_DB_ACCOUNT: [
        "Cosmos DB takes only versionless URIs: Crosskey will use the versionless form, and Cosmos DB follows new versions automatically.",
        COSMOS_NETWORK,
        PURGE_LATER,
        "Key type and size are checked when the key is verified: Azure Cosmos DB needs RSA or RSA-HSM, 2048, 3072, 4096 bits.",
      ],
      DISK_ENCRYPTION_SET: [
        "Disks stay on this version until the key URI is changed (automatic rotation stays off).",
        REGION("Managed disks (disk encryption sets)"),
        PURGE_LATER,
        "Key type and size are checked when the key is verified: Managed disks (disk encryption sets) needs RSA or RSA-HSM, 2048, 3072, 4096 bits.",
      ],
      SQL_SERVER: [
        "Azure SQL stays on this version until the protector is changed (auto-rotation stays off).",
        PURGE_LATER,
        "Key type and size are checked when the key is verified: Azure SQL Database needs RSA or RSA-HSM, 2048, 3072 bits.",
      ],
    });
  });

  it("the RSA 3072 recommendation is Cosmos DB's alone, and only for smaller RSA keys", () => {
    const v = verdicts({ ...good, keySize: 2048, purgeProtected: undefined });
    expect(v.COSMOS_DB_ACCOUNT!.notes).toEqual([
      "Cosmos DB takes only versionless URIs: Crosskey will use the versionless form, and Cosmos DB follows new versions automatically.",
      "Microsoft recommends RSA 3072 or larger for Cosmos DB; this key has 2048 bits.",
      COSMOS_NETWORK,
      PURGE_LATER,
    ]);
    for (const service of ["STORAGE_ACCOUNT", "DISK_ENCRYPTION_SET", "SQL_SERVER"] as const) {
      expect(v[service]!.verdict).toBe("compatible");
      expect(v[service]!.notes.join(" ")).not.toMatch(/recommends/);
    }
    expect(verdicts({ ...good, keySize: 3072 }, { k: versionless }).COSMOS_DB_ACCOUNT!.verdict).toBe(
      "compatible",
    );
    const ec = verdicts({ keyType: "EC", keySize: 256 }).COSMOS_DB_ACCOUNT!;
    expect(ec.notes.join(" ")).not.toMatch(/recommends/);
  });

  it("expiry: a key that expires this very instant is expired; one a millisecond later is a warning", () => {
    const at = verdicts({ ...good, expiresAt: new Date(NOW.getTime()) }, { k: versionless }).STORAGE_ACCOUNT!;
    expect(at.verdict).toBe("incompatible");
    expect(at.reasons).toEqual([
      "The key expired on 2026-03-01; Azure Storage cannot wrap new data keys with it.",
    ]);
    const after = verdicts(
      { ...good, expiresAt: new Date(NOW.getTime() + 1) },
      { k: versionless },
    ).STORAGE_ACCOUNT!;
    expect(after.verdict).toBe("compatible_with_notes");
    expect(after.reasons).toEqual([]);
    expect(after.notes[0]).toBe(
      "The key expires on 2026-03-01; create a new version before then, or Azure Storage stops encrypting new data.",
    );
  });

  it("disabled and unprotected keys are refused in full sentences; a size no service takes names the sizes", () => {
    const v = verdicts({
      ...good,
      enabled: false,
      purgeProtected: false,
      keySize: 1024,
    }).DISK_ENCRYPTION_SET!;
    expect(v.reasons).toEqual([
      "Managed disks (disk encryption sets) accepts RSA keys of 2048, 3072, 4096 bits; this key has 1024.",
      "The key is disabled; Managed disks (disk encryption sets) cannot use it until it is enabled again.",
      "The vault has no purge protection; Managed disks (disk encryption sets) requires it. Turn it on for the vault (it cannot be turned off again).",
    ]);
    expect(v.notes.join(" ")).not.toMatch(/Purge protection is required/);
  });

  it("an RSA key of unknown size stays open, and says which sizes each service takes", () => {
    const v = verdicts({ keyType: "RSA-HSM", keySize: null, purgeProtected: true }, { k: versionless });
    expect(v.SQL_SERVER).toMatchObject({ verdict: "unknown_until_verified", reasons: [] });
    expect(v.SQL_SERVER!.notes.at(-1)).toBe(
      "The key's size is not known yet: Azure SQL Database needs RSA or RSA-HSM, 2048, 3072 bits.",
    );
    const refused = verdicts({ keyType: "RSA", keySize: null, enabled: false }).STORAGE_ACCOUNT!;
    expect(refused.verdict).toBe("incompatible");
    expect(refused.notes.join(" ")).not.toMatch(/not known yet/);
  });

  it("regions matter for Storage and disk encryption sets only; clouds close services, not keys", () => {
    for (const cloud of ["public", "china", "usgov"] as const) {
      const k = key(`https://contoso.${getCloudProfile(cloud).keyVaultSuffixes[0]}/keys/k`, cloud);
      const v = verdicts(good, { cloud, k });
      expect(v.STORAGE_ACCOUNT!.reasons).toEqual([]);
      expect(v.COSMOS_DB_ACCOUNT!.reasons).toEqual([]);
      expect(v.SQL_SERVER!.reasons).toEqual([]);
      expect(v.SQL_SERVER!.notes.join(" ")).not.toMatch(/Region/);
      expect(v.COSMOS_DB_ACCOUNT!.notes.join(" ")).not.toMatch(/Region/);
    }
    expect(
      verdicts(good, { cloud: "usgov", k: key("https://contoso.vault.usgovcloudapi.net/keys/k", "usgov") })
        .DISK_ENCRYPTION_SET!.reasons,
    ).toEqual([
      "Managed disks (disk encryption sets) does not offer customer-managed keys from another tenant in Azure Government (US).",
    ]);
  });
});
