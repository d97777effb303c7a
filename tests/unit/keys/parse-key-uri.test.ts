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

describe("[keys] key URI parsing: the edges each rule draws", () => {
  it("refuses a host with a character no vault name has, even with a vault suffix", () => {
    expect(problem("https://con_toso.vault.azure.net/keys/k")).toEqual({
      code: "foreign_host",
      message:
        "“con_toso.vault.azure.net” contains characters no Key Vault address has; it must be {name}.vault.azure.net or {name}.managedhsm.azure.net.",
    });
  });

  it("takes only /keys/: deleted keys, other collections and look-alikes are refused, never rewritten", () => {
    for (const path of ["/deletedkeys/k", "/storage/k", "/key/k", "/keysx/k", "/Keys-old/k"]) {
      expect(problem(`https://contoso.vault.azure.net${path}`)).toEqual({
        code: "not_a_key_path",
        message: `The path “${path}” is not /keys/{key-name} or /keys/{key-name}/{version}. Open the key in your vault, select its current version and copy “Key Identifier”.`,
      });
    }
    expect(parsed("https://contoso.vault.azure.net/KEYS/k").uri).toBe(
      "https://contoso.vault.azure.net/keys/k",
    );
  });

  it("vault names of exactly 3 and 24 characters pass; 2 and 25 do not, and the message counts them", () => {
    expect(parsed("https://abc.vault.azure.net/keys/k").vaultName).toBe("abc");
    expect(problem("https://ab.vault.azure.net/keys/k").message).toBe(
      "“ab” is not a valid vault name: it has 2 characters; names have 3 to 24.",
    );
    expect(problem(`https://a${"b".repeat(24)}.vault.azure.net/keys/k`).message).toBe(
      `“a${"b".repeat(24)}” is not a valid vault name: it has 25 characters; names have 3 to 24.`,
    );
    expect(problem("https://ab.managedhsm.azure.net/keys/k").message).toBe(
      "“ab” is not a valid managed HSM name: it has 2 characters; names have 3 to 24.",
    );
  });

  it("2,048 characters is the limit: one more is too long, whitespace around does not count", () => {
    const base = "https://contoso.vault.azure.net/keys/";
    const at = (n: number) => `${base}${"k".repeat(n - base.length)}`;
    // Too long a key name, but not too long a URI: the length rule is the URI's, at 2,048.
    expect(problem(at(2048)).code).toBe("bad_key_name");
    expect(problem(`  ${at(2048)}  `).code).toBe("bad_key_name");
    expect(problem(at(2049))).toEqual({
      code: "too_long",
      message: "That is 2049 characters; a key identifier is at most 2048.",
    });
  });

  it("a ? or # right after the host is a query, quoted back", () => {
    expect(problem("https://contoso.vault.azure.net?x")).toEqual({
      code: "has_query",
      message: "Remove “?x” from the end: a key identifier has no ? or # part.",
    });
    expect(problem("https://contoso.vault.azure.net#k").code).toBe("has_query");
    expect(problem(`https://contoso.vault.azure.net/keys/k?${"q".repeat(80)}`).message).toBe(
      `Remove “?${"q".repeat(39)}…” from the end: a key identifier has no ? or # part.`,
    );
  });

  it("every message says what is wrong in the customer's words", () => {
    const messages: [string, string][] = [
      [
        "",
        "Paste your key's identifier. Open the key in your vault, select its current version and copy “Key Identifier”.",
      ],
      [
        "https://contoso.vault.azure.net/keys/my\tkey",
        "The address contains a space, line break or invisible character; paste it again as one line.",
      ],
      [
        "https://contoso.vault.azure.net/keys/k\u200b",
        "The address contains a space, line break or invisible character; paste it again as one line.",
      ],
      [
        "/subscriptions/0000/resourceGroups/rg",
        "This is an Azure resource ID, not a key identifier. Open the key in your vault, select its current version and copy “Key Identifier”.",
      ],
      [
        "contoso.vault.azure.net/keys/k",
        "This is not a web address; a key identifier starts with https://. Open the key in your vault, select its current version and copy “Key Identifier”.",
      ],
      [
        "http://contoso.vault.azure.net/keys/k",
        "The address starts with “http:”; Key Vault is only reached over https://.",
      ],
      [
        `${"h".repeat(30)}://contoso.vault.azure.net/keys/k`,
        `The address starts with “${"h".repeat(20)}…:”; Key Vault is only reached over https://.`,
      ],
      ["https:contoso.vault.azure.net/keys/k", "After “https:” the address must go on with “//”."],
      [
        "https://contoso.vault.azure.net\\keys\\k",
        "The address contains a backslash (\\); use forward slashes (/).",
      ],
      [
        "https://u@contoso.vault.azure.net/keys/k",
        "The address has a user name or password before the vault name (the part before “@”); remove it.",
      ],
      ["https:///keys/k", "The address has no host name after https://."],
      [
        "https://contoso.vault.azure.net:abc/keys/k",
        "“:abc” after the host name is not a port number; remove it.",
      ],
      ["https://vault.azure.net/keys/k", "The address has no vault name: it must be {name}.vault.azure.net."],
      [
        "https://a.b.vault.azure.net/keys/k",
        "“a.b” is more than one name in front of .vault.azure.net; the address must be {name}.vault.azure.net.",
      ],
      [
        "https://1abc.vault.azure.net/keys/k",
        "“1abc” is not a valid vault name: it must start with a letter.",
      ],
      [
        "https://abc-.vault.azure.net/keys/k",
        "“abc-” is not a valid vault name: it must end with a letter or digit.",
      ],
      [
        "https://a--b.vault.azure.net/keys/k",
        "“a--b” is not a valid vault name: it cannot contain two hyphens in a row.",
      ],
      [
        "https://contoso.vault.azure.cn/keys/k",
        "contoso.vault.azure.cn is a key store in Azure operated by 21Vianet (China), but this service runs in Azure (global). A key cannot be used across clouds; create it in Azure (global).",
      ],
      [
        "https://portal.azure.com/#blade/keys/k",
        "That is the Azure portal's page address, not the key's. Open the key in your vault, select its current version and copy “Key Identifier”.",
      ],
      [
        "https://evil.example.com/keys/k",
        "evil.example.com is not an Azure Key Vault or Managed HSM address; it must be {name}.vault.azure.net or {name}.managedhsm.azure.net.",
      ],
      [
        "https://contoso.vault.azure.net/certificates/c",
        "This is a certificate's identifier (/certificates/), not a key's. Customer-managed encryption needs a key: Open the key in your vault, select its current version and copy “Key Identifier”.",
      ],
      [
        "https://contoso.vault.azure.net/keys/k_1",
        "The key name “k_1” contains “_”; key names use only letters, digits and hyphens.",
      ],
      [
        `https://contoso.vault.azure.net/keys/${"k".repeat(128)}`,
        "The key name has 128 characters; key names have at most 127.",
      ],
      [
        `https://contoso.vault.azure.net/keys/k/zz${V.slice(2)}`,
        `The version “zz${V.slice(2, 40)}” contains “z”; a key version is exactly 32 characters of 0–9 and a–f. Copy the identifier again, or remove the version to use the key's newest one.`,
      ],
    ];
    for (const [uri, message] of messages) expect(problem(uri).message).toBe(message);
  });

  it("shortens long quotes to 60 characters with an ellipsis", () => {
    const name = "k".repeat(70);
    const host = `${"a".repeat(65)}.example.com`;
    expect(problem(`https://${host}/keys/k`).message).toBe(
      `${"a".repeat(60)}… is not an Azure Key Vault or Managed HSM address; it must be {name}.vault.azure.net or {name}.managedhsm.azure.net.`,
    );
    expect(problem(`https://contoso.vault.azure.net/keys/${name}_`).message).toBe(
      `The key name “${"k".repeat(60)}…” contains “_”; key names use only letters, digits and hyphens.`,
    );
  });
});
