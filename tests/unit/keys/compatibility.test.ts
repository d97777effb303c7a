import { describe, expect, it } from "vitest";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { assessKeyCompatibility } from "../../../lib/keys/compatibility";
import { parseKeyUri } from "../../../lib/keys/parse-key-uri";

const ALL = ["STORAGE_ACCOUNT", "COSMOS_DB_ACCOUNT", "DISK_ENCRYPTION_SET", "SQL_SERVER"] as const;
const key = (uri: string) => {
  const r = parseKeyUri(uri, getCloudProfile("public"));
  if (!r.ok) throw new Error(r.problem.message);
  return r.key;
};
const versioned = key("https://contoso.vault.azure.net/keys/k/78deebed173b48e48f55abf87ed4cf71");
const verdicts = (
  facts: { keyType: string; keySize?: number } | null,
  cloud = getCloudProfile("public"),
  k = versioned,
) =>
  Object.fromEntries(
    assessKeyCompatibility({ key: k, facts, services: [...ALL], cloud }).map((v) => [v.service, v]),
  );

describe("[keys] does the key fit each service", () => {
  it("waits for verification before judging type and size", () => {
    expect(Object.values(verdicts(null)).map((v) => v.verdict)).toEqual(
      Array(4).fill("unknown_until_verified"),
    );
  });

  it("refuses EC keys everywhere", () => {
    for (const v of Object.values(verdicts({ keyType: "EC", keySize: 256 }))) {
      expect(v.verdict).toBe("incompatible");
      expect(v.reasons[0]).toMatch(/accepts only RSA keys; this is an EC key/);
    }
  });

  it("refuses RSA 4096 only for Azure SQL", () => {
    const v = verdicts({ keyType: "RSA", keySize: 4096 });
    expect(v.SQL_SERVER!.verdict).toBe("incompatible");
    expect(v.SQL_SERVER!.reasons[0]).toMatch(/2048, 3072 bits; this key has 4096/);
    expect([v.STORAGE_ACCOUNT!.verdict, v.DISK_ENCRYPTION_SET!.verdict]).toEqual([
      "compatible",
      "compatible",
    ]);
  });

  it("takes a versioned URI for Cosmos DB by using its versionless form, and says so", () => {
    const cosmos = verdicts({ keyType: "RSA", keySize: 3072 }).COSMOS_DB_ACCOUNT!;
    expect(cosmos.verdict).toBe("compatible_with_notes");
    expect(cosmos.notes[0]).toMatch(/Crosskey will use the versionless form/);
    expect(
      verdicts(
        { keyType: "RSA", keySize: 3072 },
        getCloudProfile("public"),
        key("https://contoso.vault.azure.net/keys/k"),
      ).COSMOS_DB_ACCOUNT!.verdict,
    ).toBe("compatible");
  });

  it("knows cross-tenant disk encryption is not offered in US Government or China", () => {
    const des = verdicts({ keyType: "RSA", keySize: 3072 }, getCloudProfile("usgov")).DISK_ENCRYPTION_SET!;
    expect(des.verdict).toBe("incompatible");
    expect(des.reasons[0]).toMatch(/Azure Government/);
  });
});
