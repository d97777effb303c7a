import type { KeyVaultKey } from "@azure/keyvault-keys";
import { describe, expect, it } from "vitest";
import type { AzureFailure } from "../../../lib/azure/azure-error";
import { classifyKeyVaultFailure } from "../../../lib/keys/verify/classify";
import {
  enableKeyCommand,
  extendExpiryCommand,
  grantRoleCommand,
  keyOpsCommand,
  newRsaKeyCommand,
  purgeProtectionCommand,
} from "../../../lib/keys/verify/fixes";
import { checkKeyProperties, checkPurgeProtection, factsOf } from "../../../lib/keys/verify/properties";
import type { HopId, KeyFacts, KeyTarget } from "../../../lib/keys/verify/types";

const SP = "5b5b5b5b-0000-4000-8000-000000000001";
const vault: KeyTarget = {
  uri: "https://kv-contoso.vault.azure.net/keys/cmk",
  vaultUri: "https://kv-contoso.vault.azure.net",
  vaultName: "kv-contoso",
  vaultKind: "VAULT",
  keyName: "cmk",
  keyVersion: null,
};
const hsm: KeyTarget = {
  ...vault,
  uri: "https://hsm-contoso.managedhsm.azure.net/keys/cmk",
  vaultUri: "https://hsm-contoso.managedhsm.azure.net",
  vaultName: "hsm-contoso",
  vaultKind: "MANAGED_HSM",
};
const NOW = new Date("2026-03-01T00:00:00Z");
const DAY = 86_400_000;

describe("[verify] the commands that fix each failure", () => {
  it("fill in the customer's own names, for vaults and managed HSMs", () => {
    expect(grantRoleCommand(vault, SP)).toBe(
      `az role assignment create --role "Key Vault Crypto Service Encryption User" --assignee-object-id ${SP} --assignee-principal-type ServicePrincipal --scope "$(az keyvault show --name kv-contoso --query id -o tsv)"`,
    );
    expect(grantRoleCommand(hsm, SP)).toBe(
      `az keyvault role assignment create --hsm-name hsm-contoso --role "Managed HSM Crypto Service Encryption User" --scope /keys/cmk --assignee-object-id ${SP} --assignee-principal-type ServicePrincipal`,
    );
    expect(enableKeyCommand(vault)).toBe(
      "az keyvault key set-attributes --vault-name kv-contoso --name cmk --enabled true",
    );
    expect(enableKeyCommand(hsm)).toBe(
      "az keyvault key set-attributes --hsm-name hsm-contoso --name cmk --enabled true",
    );
    expect(newRsaKeyCommand(vault)).toBe(
      "az keyvault key create --vault-name kv-contoso --name cmk-rsa --kty RSA --size 3072 --ops wrapKey unwrapKey",
    );
    expect(newRsaKeyCommand(hsm)).toBe(
      "az keyvault key create --hsm-name hsm-contoso --name cmk-rsa --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey",
    );
    expect(purgeProtectionCommand(vault)).toBe(
      "az keyvault update --name kv-contoso --enable-purge-protection true",
    );
    expect(purgeProtectionCommand(hsm)).toBe(
      "az keyvault update-hsm --hsm-name hsm-contoso --enable-purge-protection true",
    );
    expect(keyOpsCommand(vault)).toBe(
      "az keyvault key set-attributes --vault-name kv-contoso --name cmk --ops wrapKey unwrapKey",
    );
    expect(keyOpsCommand(hsm)).toBe(
      "az keyvault key set-attributes --hsm-name hsm-contoso --name cmk --ops wrapKey unwrapKey",
    );
    expect(extendExpiryCommand(vault)).toBe(
      `az keyvault key set-attributes --vault-name kv-contoso --name cmk --expires "$(date -u -d '+2 years' +%Y-%m-%dT%H:%M:%SZ)"`,
    );
    expect(extendExpiryCommand(hsm)).toMatch(
      /^az keyvault key set-attributes --hsm-name hsm-contoso --name cmk --expires /,
    );
  });
});

describe("[verify] the facts read from a key", () => {
  it("type, size from the modulus, enabled, validity, recovery level, version and operations", () => {
    const key = {
      name: "cmk",
      keyType: "RSA",
      key: { n: new Uint8Array(384) },
      keyOperations: ["wrapKey", "unwrapKey"],
      properties: {
        name: "cmk",
        vaultUrl: vault.vaultUri,
        enabled: true,
        notBefore: new Date("2026-01-01T00:00:00Z"),
        expiresOn: new Date("2027-01-01T00:00:00Z"),
        recoveryLevel: "Recoverable",
        version: "v1",
      },
    } as unknown as KeyVaultKey;
    expect(factsOf(key)).toEqual({
      keyType: "RSA",
      keySize: 3072,
      enabled: true,
      notBefore: "2026-01-01T00:00:00.000Z",
      expiresAt: "2027-01-01T00:00:00.000Z",
      recoveryLevel: "Recoverable",
      version: "v1",
      keyOps: ["wrapKey", "unwrapKey"],
    });
  });

  it("what Key Vault leaves out stays unknown rather than guessed; only enabled: false disables", () => {
    const bare = {
      name: "cmk",
      properties: { name: "cmk", vaultUrl: vault.vaultUri },
    } as unknown as KeyVaultKey;
    expect(factsOf(bare)).toEqual({
      keyType: "unknown",
      keySize: undefined,
      enabled: true,
      notBefore: null,
      expiresAt: null,
      recoveryLevel: null,
      version: "",
      keyOps: [],
    });
    const off = { ...bare, properties: { ...bare.properties, enabled: false } } as KeyVaultKey;
    expect(factsOf(off).enabled).toBe(false);
  });
});

describe("[verify] the key's properties hop", () => {
  const good: KeyFacts = {
    keyType: "RSA",
    keySize: 3072,
    enabled: true,
    notBefore: null,
    expiresAt: null,
    recoveryLevel: "Recoverable",
    version: "v1",
    keyOps: ["wrapKey", "unwrapKey"],
  };
  const check = (facts: Partial<KeyFacts>, key = vault) =>
    checkKeyProperties({ ...good, ...facts }, key, NOW);

  it("passes an enabled RSA key that may wrap and unwrap, and says so", () => {
    expect(check({})).toEqual({
      id: "properties",
      label: "",
      status: "passed",
      summary: "3072-bit RSA key, enabled, wrapKey and unwrapKey allowed, no expiry.",
    });
    expect(
      check({ keyType: "RSA-HSM", keySize: undefined, expiresAt: "2027-06-30T00:00:00.000Z" }).summary,
    ).toBe("RSA-HSM key, enabled, wrapKey and unwrapKey allowed, expires 2027-06-30.");
    expect(check({ keyOps: [] }).status).toBe("passed");
    expect(check({ keySize: 2048 }).status).toBe("passed");
  });

  it("refuses EC keys with a new RSA key to create", () => {
    expect(check({ keyType: "EC" })).toEqual({
      id: "properties",
      label: "",
      status: "failed",
      summary:
        "This is an EC key; Azure Storage, Cosmos DB, disks and SQL accept only RSA keys. Create an RSA 3072 key.",
      fix: newRsaKeyCommand(vault),
    });
    expect(check({ keyType: "EC-HSM" }, hsm).fix).toBe(newRsaKeyCommand(hsm));
  });

  it("refuses keys under 2048 bits", () => {
    expect(check({ keySize: 1024 })).toMatchObject({
      status: "failed",
      summary: "The key is 1024-bit; at least 2048 is required (3072 recommended).",
      fix: newRsaKeyCommand(vault),
    });
    expect(check({ keySize: 2047 }).status).toBe("failed");
  });

  it("refuses a disabled key with the command that enables it", () => {
    expect(check({ enabled: false })).toMatchObject({
      status: "failed",
      summary: "The key is disabled; nothing can be encrypted with it until it is enabled.",
      fix: enableKeyCommand(vault),
    });
  });

  it("refuses a key not valid yet; a key valid from this instant passes", () => {
    const later = new Date(NOW.getTime() + 1).toISOString();
    expect(check({ notBefore: later })).toEqual({
      id: "properties",
      label: "",
      status: "failed",
      summary: `The key is not valid before ${later}; Azure will not wrap with it until then.`,
      fix: undefined,
    });
    expect(check({ notBefore: NOW.toISOString() }).status).toBe("passed");
  });

  it("refuses a key that expired, this very instant included, with the command that extends it", () => {
    expect(check({ expiresAt: NOW.toISOString() })).toMatchObject({
      status: "failed",
      summary: `The key expired on ${NOW.toISOString()}; Azure cannot wrap new data keys with it. Extend its expiry or rotate it.`,
      fix: extendExpiryCommand(vault),
    });
  });

  it("warns about an expiry less than 30 days away; 30 days is fine", () => {
    const soon = new Date(NOW.getTime() + 30 * DAY - 1).toISOString();
    expect(check({ expiresAt: soon })).toEqual({
      id: "properties",
      label: "",
      status: "warning",
      summary: `3072-bit RSA key, enabled, but it expires on ${soon}: rotate or extend it soon.`,
      fix: extendExpiryCommand(vault),
    });
    expect(check({ expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString() }).status).toBe("passed");
  });

  it("names the operations the key does not permit", () => {
    expect(check({ keyOps: ["encrypt", "decrypt"] })).toMatchObject({
      status: "failed",
      summary: "The key does not permit wrapKey and unwrapKey.",
      fix: keyOpsCommand(vault),
    });
    expect(check({ keyOps: ["wrapKey"] }).summary).toBe("The key does not permit unwrapKey.");
    expect(check({ keyOps: ["unwrapKey"] }).summary).toBe("The key does not permit wrapKey.");
  });
});

describe("[verify] the purge protection hop", () => {
  const facts = (recoveryLevel: string | null) =>
    ({
      keyType: "RSA",
      enabled: true,
      notBefore: null,
      expiresAt: null,
      recoveryLevel,
      version: "v",
      keyOps: [],
    }) as KeyFacts;

  it("passes recoverable levels, fails purgeable ones with the command, warns when none is reported", () => {
    expect(checkPurgeProtection(facts("Recoverable"), vault)).toEqual({
      id: "purge_protection",
      label: "",
      status: "passed",
      summary: "Soft delete with purge protection is on (Recoverable).",
    });
    expect(checkPurgeProtection(facts("CustomizedRecoverable"), vault).status).toBe("passed");
    expect(checkPurgeProtection(facts("Recoverable+Purgeable"), hsm)).toEqual({
      id: "purge_protection",
      label: "",
      status: "failed",
      summary:
        "The vault can be purged (recovery level Recoverable+Purgeable); Azure requires purge protection before it will use a customer key.",
      fix: purgeProtectionCommand(hsm),
    });
    expect(checkPurgeProtection(facts(null), vault)).toEqual({
      id: "purge_protection",
      label: "",
      status: "warning",
      summary: "Key Vault did not report the recovery level; purge protection could not be confirmed.",
    });
  });
});

describe("[verify] where a Key Vault failure belongs, and what the customer is told", () => {
  const classify = (
    failure: Omit<AzureFailure, "retryable">,
    o: { during?: HopId; window?: boolean; key?: KeyTarget } = {},
  ) =>
    classifyKeyVaultFailure(
      { retryable: false, ...failure },
      {
        key: o.key ?? vault,
        spObjectId: SP,
        isvName: "Fabrikam",
        inPropagationWindow: o.window ?? false,
        during: o.during ?? "key",
      },
    );

  it("a name that does not resolve is the vault's", () => {
    for (const code of ["ENOTFOUND", "EAI_AGAIN"]) {
      expect(classify({ code, message: "getaddrinfo" })).toEqual({
        id: "vault",
        label: "vault",
        status: "failed",
        summary:
          "The vault kv-contoso.vault.azure.net does not exist (the name does not resolve): check the vault name in the URI.",
        azureCode: code,
        fix: undefined,
      });
    }
    expect(classify({ code: "XENOTFOUND", message: "x" }).summary).not.toMatch(/does not resolve/);
  });

  it("a vault that does not answer may be private", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"]) {
      expect(classify({ code, message: "x" })).toMatchObject({
        id: "vault",
        status: "failed",
        summary: `The vault did not answer (${code}); if it only allows private endpoints, Fabrikam cannot reach it.`,
        azureCode: code,
      });
    }
    expect(classify({ code: "ECONNREFUSEDX", message: "x" }).summary).not.toMatch(/did not answer/);
  });

  it("a firewall refusal names the setting to change", () => {
    expect(
      classify({
        code: "Forbidden",
        innerCode: "ForbiddenByFirewall",
        status: 403,
        message: "Client address is not authorized",
      }),
    ).toEqual({
      id: "vault",
      label: "vault",
      status: "failed",
      summary:
        "Your vault's firewall refuses Fabrikam's calls. Allow public access from selected networks including Fabrikam, or temporarily allow all networks while verifying.",
      azureCode: "ForbiddenByFirewall",
      fix: "az keyvault update --name kv-contoso --default-action Allow",
    });
  });

  it("a vault in another tenant is named with that tenant, from the SDK's message or Key Vault's AKV10032", () => {
    const other = "c0000000-0000-4000-8000-00000000c004";
    expect(
      classify({
        code: "Unknown",
        message: `The current credential is not configured to acquire tokens for tenant ${other}.`,
      }),
    ).toEqual({
      id: "vault",
      label: "vault",
      status: "failed",
      summary: `This vault belongs to another Microsoft Entra tenant (${other}) than the one that granted consent. Use a vault in the tenant you signed in with.`,
      azureCode: undefined,
      fix: undefined,
    });
    expect(classify({ code: "Unauthorized", status: 401, message: "AKV10032: Invalid issuer." })).toEqual({
      id: "vault",
      label: "vault",
      status: "failed",
      summary:
        "This vault belongs to a different Microsoft Entra tenant than the one that granted consent. Use a vault in the tenant you signed in with.",
      azureCode: "AKV10032",
      fix: undefined,
    });
    expect(classify({ code: "Unauthorized", status: 403, message: "AKV10032" }).summary).toMatch(
      /^Key Vault refused/,
    );
    expect(classify({ code: "Unauthorized", status: 401, message: "AKV10022" }).summary).toMatch(
      /^Key Vault refused/,
    );
  });

  it("a missing key, or a 404, is the key's, with the version when one was given", () => {
    expect(classify({ code: "KeyNotFound", status: 404, message: "not found" })).toEqual({
      id: "key",
      label: "key",
      status: "failed",
      summary: 'No key named "cmk" exists in kv-contoso: copy the Key Identifier again from the key\'s page.',
      azureCode: "KeyNotFound",
      fix: undefined,
    });
    expect(
      classify({ code: "NotFound", status: 404, message: "x" }, { key: { ...vault, keyVersion: "abc" } })
        .summary,
    ).toBe(
      'No key named "cmk" with version abc exists in kv-contoso: copy the Key Identifier again from the key\'s page.',
    );
    expect(classify({ code: "KeyNotFound", message: "x" }).id).toBe("key");
  });

  it("a missing role waits inside the propagation window and fails after it, with the grant command", () => {
    const forbidden = {
      code: "Forbidden",
      innerCode: "ForbiddenByRbac",
      status: 403,
      message: "Caller is not authorized",
    };
    expect(classify(forbidden, { window: true })).toEqual({
      id: "key",
      label: "key",
      status: "waiting",
      summary:
        "Fabrikam's app cannot read the key yet. If you just assigned the role, Azure is still applying it (this can take a few minutes); we keep checking on our own.",
      azureCode: "ForbiddenByRbac",
      fix: grantRoleCommand(vault, SP),
    });
    expect(classify(forbidden, { window: false, during: "wrap_unwrap" })).toEqual({
      id: "wrap_unwrap",
      label: "wrap_unwrap",
      status: "failed",
      summary:
        'Fabrikam\'s app has no role that lets it wrap and unwrap with the key: assign "Key Vault Crypto Service Encryption User" to it on the vault or the key.',
      azureCode: "ForbiddenByRbac",
      fix: grantRoleCommand(vault, SP),
    });
    expect(classify({ ...forbidden, innerCode: undefined, code: "ForbiddenByRbac" }, { key: hsm }).fix).toBe(
      grantRoleCommand(hsm, SP),
    );
  });

  it("an access-policy vault without the permissions gets the set-policy command", () => {
    expect(
      classify({ code: "Forbidden", innerCode: "ForbiddenByPolicy", status: 403, message: "x" }),
    ).toEqual({
      id: "key",
      label: "key",
      status: "failed",
      summary:
        "Your vault uses access policies, and none gives Fabrikam's app get, wrapKey and unwrapKey. Add one, or switch the vault to Azure role-based access control.",
      azureCode: "ForbiddenByPolicy",
      fix: `az keyvault set-policy --name kv-contoso --object-id ${SP} --key-permissions get wrapKey unwrapKey`,
    });
  });

  it("a disabled key is the properties' failure, or the wrap's when found there", () => {
    expect(classify({ code: "KeyDisabled", message: "x" })).toMatchObject({
      id: "properties",
      status: "failed",
      summary: "The key is disabled; nothing can be encrypted with it until it is enabled.",
      azureCode: "KeyDisabled",
    });
    expect(
      classify(
        { code: "Forbidden", message: "Operation wrapKey is not allowed on a disabled key." },
        { during: "wrap_unwrap" },
      ).id,
    ).toBe("wrap_unwrap");
  });

  it("anything else stays on the hop being checked, with Key Vault's own words", () => {
    expect(
      classify(
        { code: "BadParameter", status: 400, message: "Invalid algorithm." },
        { during: "wrap_unwrap" },
      ),
    ).toEqual({
      id: "wrap_unwrap",
      label: "wrap_unwrap",
      status: "failed",
      summary: "Key Vault refused the request: Invalid algorithm.",
      azureCode: "BadParameter",
      fix: undefined,
    });
  });
});
