import { describe, expect, it } from "vitest";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { parseKeyUri } from "../../../lib/keys/parse-key-uri";

const pub = getCloudProfile("public");
const gov = getCloudProfile("usgov");
const V = "78deebed173b48e48f55abf87ed4cf71";

function problem(uri: string, cloud = pub) {
  const r = parseKeyUri(uri, cloud);
  if (r.ok) throw new Error(`expected a problem for ${uri}`);
  return r.problem;
}

describe("[keys] key URI parsing", () => {
  it("accepts versioned and versionless vault keys and normalises them", () => {
    const r = parseKeyUri(`  https://Contoso-CMK.vault.azure.net:443/keys/my-key/${V.toUpperCase()}/  `, pub);
    expect(r).toEqual({
      ok: true,
      key: {
        uri: `https://contoso-cmk.vault.azure.net/keys/my-key/${V}`,
        vaultHost: "contoso-cmk.vault.azure.net",
        vaultName: "contoso-cmk",
        vaultKind: "VAULT",
        keyName: "my-key",
        keyVersion: V,
        versionless: false,
        vaultUri: "https://contoso-cmk.vault.azure.net",
        versionlessUri: "https://contoso-cmk.vault.azure.net/keys/my-key",
      },
    });
    const versionless = parseKeyUri("https://contoso-cmk.vault.azure.net/keys/my-key", pub);
    expect(versionless.ok && versionless.key).toMatchObject({ versionless: true, keyVersion: null });
  });

  it("recognises Managed HSM keys and each cloud's own suffixes", () => {
    const hsm = parseKeyUri(`https://contoso-hsm.managedhsm.azure.net/keys/k/${V}`, pub);
    expect(hsm.ok && hsm.key.vaultKind).toBe("MANAGED_HSM");
    const govKey = parseKeyUri("https://contoso.vault.usgovcloudapi.net/keys/k", gov);
    expect(govKey.ok).toBe(true);
  });

  it.each([
    ["", "empty"],
    ["x".repeat(2100), "too_long"],
    ["contoso.vault.azure.net/keys/k", "not_a_url"],
    ["http://contoso.vault.azure.net/keys/k", "not_https"],
    ["https://user:pw@contoso.vault.azure.net/keys/k", "has_credentials"],
    ["https://contoso.vault.azure.net/keys/k?api-version=7.4", "has_query"],
    ["https://contoso.vault.azure.net:8443/keys/k", "wrong_port"],
    ["https://evil.example.com/keys/k", "foreign_host"],
    ["https://contoso.vault.azure.net.evil.com/keys/k", "foreign_host"],
    ["https://vault.azure.net/keys/k", "foreign_host"],
    ["https://contoso.vault.azure.cn/keys/k", "other_cloud_host"],
    ["https://a.b.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://ab.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://con--toso.vault.azure.net/keys/k", "bad_vault_name"],
    ["https://contoso.vault.azure.net/secrets/k", "not_a_key_path"],
    ["https://contoso.vault.azure.net/", "not_a_key_path"],
    ["https://contoso.vault.azure.net/keys/k/v/extra", "not_a_key_path"],
    [`https://contoso.vault.azure.net/keys/${"k".repeat(128)}`, "bad_key_name"],
    ["https://contoso.vault.azure.net/keys/my_key", "bad_key_name"],
    [`https://contoso.vault.azure.net/keys/k/${V.slice(1)}`, "bad_version"],
    [`https://contoso.vault.azure.net/keys/k/${V}0`, "bad_version"],
    ["https://contoso.vault.azure.net/keys/k/zz8deebed173b48e48f55abf87ed4cf71", "bad_version"],
  ])("%s → %s", (uri, code) => {
    expect(problem(uri).code).toBe(code);
  });

  it("points at the exact problem in words", () => {
    expect(problem("https://contoso.vault.azure.net:8443/keys/k").message).toBe(
      "The address uses port 8443; Key Vault only answers on 443.",
    );
    expect(problem("https://contoso.vault.azure.cn/keys/k").message).toMatch(
      /Azure operated by 21Vianet.*this service runs in Azure \(global\)/,
    );
    expect(problem("https://contoso.vault.azure.net/secrets/k").message).toMatch(
      /secret identifier, not a key/,
    );
    expect(problem("https://evil.example.com/keys/k").message).toMatch(
      /\*\.vault\.azure\.net or \*\.managedhsm\.azure\.net/,
    );
  });
});
