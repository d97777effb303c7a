import { describe, expect, it } from "vitest";
import { getCloudProfile } from "@/lib/azure/clouds";
import { parseKeyUri, type KeyUriProblem } from "@/lib/keys/parse-key-uri";

const pub = getCloudProfile("public");
const V = "78deebed173b48e48f55abf87ed4cf71";

function parsed(uri: string, cloud = pub) {
  const r = parseKeyUri(uri, cloud);
  if (!r.ok) throw new Error(`expected ${uri} to parse: ${r.problem.message}`);
  return r.key;
}
function problem(uri: string, cloud = pub): KeyUriProblem {
  const r = parseKeyUri(uri, cloud);
  if (r.ok) throw new Error(`expected a problem for ${uri}`);
  return r.problem;
}

describe("[keys] key URI parsing: accepted forms", () => {
  it("normalises a portal Key Identifier: whitespace, upper-case host and version, :443, trailing slash", () => {
    expect(parsed(`  https://Contoso-CMK.VAULT.azure.net:443/keys/My-Key/${V.toUpperCase()}/\n`)).toEqual({
      uri: `https://contoso-cmk.vault.azure.net/keys/My-Key/${V}`,
      vaultHost: "contoso-cmk.vault.azure.net",
      vaultName: "contoso-cmk",
      vaultKind: "VAULT",
      keyName: "My-Key",
      keyVersion: V,
      versionless: false,
      vaultUri: "https://contoso-cmk.vault.azure.net",
      versionlessUri: "https://contoso-cmk.vault.azure.net/keys/My-Key",
    });
  });

  it("accepts a versionless URI, with or without a trailing slash", () => {
    for (const uri of ["https://contoso.vault.azure.net/keys/k", "https://contoso.vault.azure.net/keys/k/"]) {
      expect(parsed(uri)).toMatchObject({
        uri: "https://contoso.vault.azure.net/keys/k",
        keyVersion: null,
        versionless: true,
      });
    }
  });

  it.each([
    ["public", "vault.azure.net", "managedhsm.azure.net"],
    ["china", "vault.azure.cn", "managedhsm.azure.cn"],
    ["usgov", "vault.usgovcloudapi.net", "managedhsm.usgovcloudapi.net"],
  ] as const)("knows the %s cloud's vault and Managed HSM hosts", (name, vault, hsm) => {
    const cloud = getCloudProfile(name);
    expect(parsed(`https://contoso.${vault}/keys/k/${V}`, cloud)).toMatchObject({ vaultKind: "VAULT" });
    expect(parsed(`https://contoso-hsm.${hsm}/keys/k`, cloud)).toMatchObject({
      vaultKind: "MANAGED_HSM",
      vaultName: "contoso-hsm",
      versionless: true,
    });
  });

  it("accepts the longest names Azure allows: 24-character vault, 127-character key", () => {
    const key = parsed(`https://a${"b".repeat(22)}c.vault.azure.net/keys/${"k".repeat(127)}`);
    expect(key.vaultName).toHaveLength(24);
    expect(key.keyName).toHaveLength(127);
  });
});

describe("[keys] key URI parsing: every refusal has a stable code", () => {
  it.each([
    ["", "empty"],
    ["   \n ", "empty"],
    [`https://contoso.vault.azure.net/keys/${"k".repeat(2100)}`, "too_long"],
    ["contoso.vault.azure.net/keys/k", "not_a_url"],
    ["https://contoso.vault.azure.net/keys/my key", "not_a_url"],
    ["https:contoso.vault.azure.net/keys/k", "not_a_url"],
    ["https://contoso.vault.azure.net\\keys\\k", "not_a_url"],
    ["/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/contoso", "not_a_url"],
    ["http://contoso.vault.azure.net/keys/k", "not_https"],
    ["ftp://contoso.vault.azure.net/keys/k", "not_https"],
    ["https://user:pw@contoso.vault.azure.net/keys/k", "has_credentials"],
    ["https://contoso.vault.azure.net/keys/k?api-version=7.6", "has_query"],
    ["https://contoso.vault.azure.net/keys/k#v", "has_query"],
    ["https://contoso.vault.azure.net:8443/keys/k", "wrong_port"],
    ["https://contoso.vault.azure.net:80/keys/k", "wrong_port"],
    ["https://evil.example.com/keys/k", "foreign_host"],
    ["https://x.vault.azure.net.evil.com/keys/k", "foreign_host"],
    ["https://contoso.vault.azure.net./keys/k", "foreign_host"],
    ["https://contoso.vаult.azure.net/keys/k", "foreign_host"],
    ["https://portal.azure.com/#@contoso/resource/keys/k", "foreign_host"],
    ["https://contoso.vault.azure.cn/keys/k", "other_cloud_host"],
    ["https://contoso.managedhsm.usgovcloudapi.net/keys/k", "other_cloud_host"],
    ["https://vault.azure.net/keys/k", "bad_vault_name"],
    ["https://a.b.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://ab.vault.azure.net/keys/k", "bad_vault_name"],
    [`https://a${"b".repeat(24)}.vault.azure.net/keys/k`, "bad_vault_name"],
    ["https://1contoso.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://contoso-.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://con--toso.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://contoso.vault.azure.net", "not_a_key_path"],
    ["https://contoso.vault.azure.net/", "not_a_key_path"],
    ["https://contoso.vault.azure.net/secrets/k", "not_a_key_path"],
    [`https://contoso.vault.azure.net/certificates/k/${V}`, "not_a_key_path"],
    ["https://contoso.vault.azure.net/keys", "not_a_key_path"],
    ["https://contoso.vault.azure.net/keys//k", "not_a_key_path"],
    [`https://contoso.vault.azure.net/keys/k/${V}/wrapkey`, "not_a_key_path"],
    [`https://contoso.vault.azure.net/keys/${"k".repeat(128)}`, "bad_key_name"],
    ["https://contoso.vault.azure.net/keys/my_key", "bad_key_name"],
    ["https://contoso.vault.azure.net/keys/my%20key", "bad_key_name"],
    [`https://contoso.vault.azure.net/keys/k/${V.slice(1)}`, "bad_version"],
    [`https://contoso.vault.azure.net/keys/k/${V}0`, "bad_version"],
    [`https://contoso.vault.azure.net/keys/k/zz${V.slice(2)}`, "bad_version"],
  ])("%s → %s", (uri, code) => {
    expect(problem(uri).code).toBe(code);
  });
});

describe("[keys] key URI parsing: messages point at the exact problem", () => {
  it("quotes the port, the other cloud, the key kind and the offending characters", () => {
    expect(problem("https://contoso.vault.azure.net:8443/keys/k").message).toBe(
      "The address uses port 8443; Key Vault only answers on 443.",
    );
    expect(problem("https://contoso.vault.azure.cn/keys/k").message).toMatch(
      /Azure operated by 21Vianet \(China\), but this service runs in Azure \(global\)/,
    );
    expect(problem("https://contoso.vault.azure.net/secrets/db").message).toMatch(
      /secret's identifier \(\/secrets\/\), not a key's.*copy “Key Identifier”/,
    );
    expect(problem("https://contoso.vault.azure.net/").message).toMatch(
      /vault's address only.*copy “Key Identifier”.*https:\/\/contoso\.vault\.azure\.net\/keys\//,
    );
    expect(problem("https://evil.example.com/keys/k").message).toMatch(
      /\{name\}\.vault\.azure\.net or \{name\}\.managedhsm\.azure\.net/,
    );
    expect(problem("https://con--toso.vault.azure.net/keys/k").message).toMatch(/two hyphens in a row/);
    expect(problem("https://contoso.vault.azure.net/keys/my_key").message).toMatch(/contains “_”/);
    expect(problem(`https://contoso.vault.azure.net/keys/${"k".repeat(128)}`).message).toMatch(
      /128 characters/,
    );
    expect(problem(`https://contoso.vault.azure.net/keys/k/${V.slice(1)}`).message).toMatch(
      /has 31 characters; a key version is exactly 32/,
    );
    expect(problem("https://contoso.vault.azure.net/keys/k?api-version=7.6").message).toMatch(
      /Remove “\?api-version=7\.6”/,
    );
  });

  it("never echoes a password, and keeps quotes of huge input short", () => {
    expect(problem("https://admin:s3cret@contoso.vault.azure.net/keys/k").message).not.toContain("s3cret");
    expect(problem(`https://contoso.vault.azure.net/keys/k/${"a".repeat(500)}`).message.length).toBeLessThan(
      300,
    );
  });
});
