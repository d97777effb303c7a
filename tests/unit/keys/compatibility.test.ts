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
    expect(v.STORAGE_ACCOUNT!.notes.join(" ")).toMatch(/Region: .*checked when the key is applied/);
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
