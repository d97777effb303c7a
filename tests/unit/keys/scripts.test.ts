import { describe, expect, it } from "vitest";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { azureCliScript } from "../../../lib/keys/scripts/azure-cli";
import { suggestNames, type ScriptValues } from "../../../lib/keys/scripts/input";
import { portalSteps } from "../../../lib/keys/scripts/portal";
import { powerShellScript } from "../../../lib/keys/scripts/powershell";

const values: ScriptValues = {
  cloud: getCloudProfile("public"),
  tenantId: "c0000000-0000-4000-8000-00000000c001",
  appId: "22222222-2222-4222-8222-222222222222",
  appDisplayName: "Fabrikam Cloud Encryption",
  servicePrincipalObjectId: "8b880393-77f5-41a5-9cda-bf2784bfb050",
  vaultName: "kv-contoso-cmk",
  keyName: "fabrikam-cmk",
  resourceGroup: "rg-fabrikam-keys",
  location: "westeurope",
  scope: "key",
  kind: "VAULT",
};

describe("[scripts] the customer's copy-paste scripts", () => {
  it("Azure CLI: the customer's values, purge protection, RSA 3072 and the least-privilege role to the service principal", () => {
    const script = azureCliScript(values);
    expect(script).toContain("TENANT_ID='c0000000-0000-4000-8000-00000000c001'");
    expect(script).toContain("APP_SP_ID='8b880393-77f5-41a5-9cda-bf2784bfb050'");
    expect(script).toContain("az cloud set --name AzureCloud");
    expect(script).toContain("--enable-purge-protection true --enable-rbac-authorization true");
    expect(script).toContain("--kty RSA --size 3072 --ops wrapKey unwrapKey");
    expect(script).toMatch(
      /--role "Key Vault Crypto Service Encryption User" --scope "\$VAULT_ID\/keys\/\$KEY"/,
    );
    expect(script).toContain('--assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal');
    expect(script).toContain('echo "https://kv-contoso-cmk.vault.azure.net/keys/$KEY"');
    expect(azureCliScript({ ...values, scope: "vault" })).toMatch(/Encryption User" --scope "\$VAULT_ID" \\/);
  });

  it("follows the customer's cloud and the Managed HSM variant", () => {
    const gov = azureCliScript({ ...values, cloud: getCloudProfile("usgov") });
    expect(gov).toContain("az cloud set --name AzureUSGovernment");
    expect(gov).toContain("https://kv-contoso-cmk.vault.usgovcloudapi.net/keys/$KEY");
    const hsm = azureCliScript({ ...values, kind: "MANAGED_HSM" });
    expect(hsm).toContain('--hsm-name "$HSM"');
    expect(hsm).toContain("--kty RSA-HSM --size 3072");
    expect(hsm).toContain('--role "Managed HSM Crypto Service Encryption User" --scope "/keys/$KEY"');
    expect(hsm).toContain("https://kv-contoso-cmk.managedhsm.azure.net/keys/$KEY");
    expect(hsm).not.toContain("az keyvault create --name");
  });

  it("PowerShell and portal say the same things in their own words", () => {
    const ps = powerShellScript({ ...values, cloud: getCloudProfile("china") });
    expect(ps).toContain("Connect-AzAccount -Environment AzureChinaCloud -Tenant $tenantId");
    expect(ps).toContain("-EnablePurgeProtection -EnableRbacAuthorization");
    expect(ps).toContain("-KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey");
    expect(ps).toContain("'Key Vault Crypto Service Encryption User'");
    const steps = portalSteps(values);
    expect(steps.map((s) => s.title)).toContain("Allow Fabrikam Cloud Encryption to use the key");
    expect(JSON.stringify(steps)).toContain("8b880393-77f5-41a5-9cda-bf2784bfb050");
    expect(JSON.stringify(steps)).toContain("https://portal.azure.com");
  });

  it("refuses values that could break out of their quotes instead of emitting a broken script", () => {
    expect(() => azureCliScript({ ...values, vaultName: "a'; rm -rf /" })).toThrow();
    expect(() => powerShellScript({ ...values, keyName: "k'; Remove-Item" })).toThrow();
    expect(() => azureCliScript({ ...values, servicePrincipalObjectId: "not-a-guid" })).toThrow();
  });

  it("suggests names that are valid for Key Vault", () => {
    const names = suggestNames(
      "Contoso Pharmaceuticals, Inc.",
      "Fabrikam Cloud",
      "01a20688-48af-706d-82d1-f6dfa604520f",
    );
    expect(names.vaultName).toMatch(/^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/);
    expect(() => azureCliScript({ ...values, ...names })).not.toThrow();
  });
});
