import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { getCloudProfile } from "@/lib/azure/clouds";
import {
  azureCliScript,
  explainKeyUriForms,
  KEY_URI_FORMS,
  portalSteps,
  powerShellScript,
  suggestNames,
  type ScriptInput,
} from "@/lib/keys/scripts";
import { bashQuote, psQuote } from "@/lib/keys/scripts/quote";

const input: ScriptInput = {
  cloud: getCloudProfile("public"),
  tenantId: "c0000000-0000-4000-8000-00000000c001",
  appId: "22222222-2222-4222-8222-222222222222",
  appDisplayName: "Fabrikam's Cloud Encryption",
  servicePrincipalObjectId: "8b880393-77f5-41a5-9cda-bf2784bfb050",
  vaultName: "kv-contoso-cmk",
  keyName: "fabrikam-cmk",
  resourceGroup: "rg-fabrikam-keys",
  location: "westeurope",
  scope: "key",
  kind: "VAULT",
};
const hsm = { ...input, kind: "MANAGED_HSM" } as const;
const lines = (script: string) => script.split("\n");
const bashSyntaxOk = (script: string) => execFileSync("bash", ["-n"], { input: script });

describe("[scripts] Azure CLI", () => {
  const script = azureCliScript(input);

  it("starts with the customer's values, cloud and tenant", () => {
    expect(lines(script)).toEqual(
      expect.arrayContaining([
        "TENANT_ID='c0000000-0000-4000-8000-00000000c001'",
        "APP_NAME='Fabrikam'\\''s Cloud Encryption'",
        "VAULT='kv-contoso-cmk'",
        "KEY='fabrikam-cmk'",
        "LOCATION='westeurope'  # the region of the services that will use the key",
        "CLOUD='AzureCloud'",
        'az cloud set --name "$CLOUD"',
        'az login --tenant "$TENANT_ID" --output none',
      ]),
    );
    expect(script).toContain("APP_SP_ID='8b880393-77f5-41a5-9cda-bf2784bfb050'");
  });

  it("creates a purge-protected RBAC vault and an RSA 3072 wrap/unwrap key", () => {
    expect(script).toContain(
      "--enable-purge-protection true --enable-rbac-authorization true --retention-days 90",
    );
    expect(script).toContain('--role "Key Vault Crypto Officer" --scope "$VAULT_ID"');
    expect(script).toContain("--kty RSA --size 3072 --ops wrapKey unwrapKey");
  });

  it("grants Key Vault Crypto Service Encryption User to the service principal object ID at key or vault scope", () => {
    expect(script).toContain("(role e147488a-f6f5-4113-8e2d-b22465e65bf6)");
    expect(script).toContain(
      `az role assignment create --role "Key Vault Crypto Service Encryption User" --scope "$VAULT_ID/keys/$KEY" \\\n  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal`,
    );
    expect(azureCliScript({ ...input, scope: "vault" })).toContain(
      `--role "Key Vault Crypto Service Encryption User" --scope "$VAULT_ID" \\`,
    );
  });

  it("prints the versioned and the versionless key identifier", () => {
    expect(script).toContain(
      'KID=$(az keyvault key show --vault-name "$VAULT" --name "$KEY" --query key.kid --output tsv)',
    );
    expect(script).toContain('echo "Versionless key identifier (follows new versions): ${KID%/*}"');
  });

  it("follows the customer's cloud", () => {
    expect(azureCliScript({ ...input, cloud: getCloudProfile("usgov") })).toContain(
      "CLOUD='AzureUSGovernment'",
    );
    expect(azureCliScript({ ...input, cloud: getCloudProfile("china") })).toContain(
      "CLOUD='AzureChinaCloud'",
    );
  });

  it("never hides an error: no 2>/dev/null, no || true, and every step is named when it fails", () => {
    for (const kind of ["VAULT", "MANAGED_HSM"] as const) {
      const s = azureCliScript({ ...input, kind });
      expect(s).not.toContain("/dev/null");
      expect(s).not.toContain("|| true");
      expect(s).toContain(
        `trap 'echo "Stopped while $STEP (exit code $?): the error above says why." >&2' ERR`,
      );
    }
  });

  /** Runs the script's first lines (options, variables, trap, helpers) in bash, then `tail`, with `az` and `sleep` stubbed. */
  function runPrelude(tail: string, args: string[] = [], azStub = 'az() { echo "az $*"; }') {
    const prelude = script.slice(0, script.indexOf('STEP="reading your own object ID"'));
    const withoutChecks =
      prelude.slice(0, prelude.indexOf("AZ_VERSION=$(az version")) +
      prelude.slice(prelude.indexOf("# A new role assignment"));
    const r = spawnSync(
      "bash",
      ["-c", `${azStub}\nsleep() { :; }\n${withoutChecks}\n${tail}`, "script", ...args],
      {
        encoding: "utf8",
      },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it("takes --cloud to run the same script against another (or a registered) cloud, and refuses other arguments", () => {
    expect(runPrelude('echo "$CLOUD"').stdout).toBe("AzureCloud\n");
    expect(runPrelude('echo "$CLOUD"', ["--cloud", "AzureUSGovernment"]).stdout).toBe("AzureUSGovernment\n");
    const bad = runPrelude('echo "$CLOUD"', ["--subscription", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("Unknown argument: --subscription (the only option is --cloud <name>)\n");
  });

  it("retries only Key Vault's 403 while a role applies, with a countdown, and stops on any other error", () => {
    // The first two attempts answer 403 ForbiddenByRbac, then the command succeeds.
    const flaky = `n=0; az() { n=$((n+1)); if [ $n -le 2 ]; then echo "ERROR: (Forbidden) Caller is not authorized. Inner error: ForbiddenByRbac" >&2; return 1; fi; echo created; }`;
    const ok = runPrelude(
      'STEP="creating the key"; retry_while_forbidden az keyvault key create; echo "tries=$n"',
      [],
      flaky,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("created\ntries=3\n");
    // A Managed HSM refuses with its own code until the local role applies (emulator/COVERAGE.md, hsm-rbac.ts).
    const hsmFlaky = `n=0; az() { n=$((n+1)); if [ $n -le 1 ]; then echo "ERROR: (AccessDenied) Not authorized to access Microsoft.KeyVault/managedHsm/keys/create on '/keys/k' (Activity ID: 1)" >&2; return 1; fi; echo created; }`;
    const hsmOk = runPrelude(
      'STEP="creating the key"; retry_while_forbidden az keyvault key create; echo "tries=$n"',
      [],
      hsmFlaky,
    );
    expect(hsmOk.code).toBe(0);
    expect(hsmOk.stdout).toBe("created\ntries=2\n");
    const other = `n=0; az() { n=$((n+1)); echo "ERROR: (VaultNotFound) The vault was not found." >&2; return 1; }`;
    const stopped = runPrelude(
      'STEP="creating the key"; retry_while_forbidden az keyvault key create; echo "not reached"',
      [],
      other,
    );
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe("");
    expect(stopped.stderr).toBe(
      "ERROR: (VaultNotFound) The vault was not found.\nStopped while creating the key (exit code 1): the error above says why.\n",
    );
  });

  it("counts down each wait in the terminal", () => {
    const once = `n=0; az() { n=$((n+1)); if [ $n -eq 1 ]; then echo "(Forbidden) ForbiddenByRbac" >&2; return 1; fi; }`;
    const r = runPrelude("retry_while_forbidden az x", [], once);
    expect(r.code).toBe(0);
    const ticks = r.stderr.split("\r").filter(Boolean);
    expect(ticks).toHaveLength(30);
    expect(ticks[0]).toBe(
      "Your role assignment is not active yet (403 Forbidden): retrying in 30 s (attempt 1 of 20) ",
    );
    expect(ticks[29]).toBe(
      "Your role assignment is not active yet (403 Forbidden): retrying in  1 s (attempt 1 of 20) \n",
    );
  });

  it("Managed HSM: HSM commands, activation left to the customer's ceremony, local RBAC on the key", () => {
    const s = azureCliScript(hsm);
    expect(s).toContain('az keyvault create --hsm-name "$HSM"');
    expect(s).toContain('--administrators "$ME" --retention-days 90 --enable-purge-protection true');
    expect(s).toMatch(/security domain[\s\S]*multi-step ceremony and is not scripted here/);
    expect(s).toContain('if [ "$STATUS" != "Active" ]; then');
    expect(s).toContain(
      'az keyvault key create --hsm-name "$HSM" --name "$KEY" --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey',
    );
    expect(s).toContain(
      `az keyvault role assignment create --hsm-name "$HSM" --role "Managed HSM Crypto Service Encryption User" --scope "/keys/$KEY" \\\n  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal`,
    );
    expect(s).not.toContain("--enable-rbac-authorization");
  });

  it("is valid bash in every variant", () => {
    for (const kind of ["VAULT", "MANAGED_HSM"] as const)
      for (const scope of ["vault", "key"] as const)
        expect(() => bashSyntaxOk(azureCliScript({ ...input, kind, scope }))).not.toThrow();
  });
});

describe("[scripts] PowerShell", () => {
  it("signs in to the customer's cloud and tenant and grants by object ID", () => {
    const ps = powerShellScript({ ...input, cloud: getCloudProfile("china") });
    expect(ps).toContain("param([string] $Environment = 'AzureChinaCloud')");
    expect(ps).toContain("Connect-AzAccount -Environment $Environment -Tenant $tenantId");
    expect(ps).toContain("$appName       = 'Fabrikam''s Cloud Encryption'");
    expect(ps).toContain(
      "New-AzKeyVault -Name $vaultName -ResourceGroupName $resourceGroup -Location $location -EnablePurgeProtection",
    );
    expect(ps).toContain("-KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey");
    expect(ps).toContain(
      `New-AzRoleAssignment -RoleDefinitionName 'Key Vault Crypto Service Encryption User' -Scope "$($vault.ResourceId)/keys/$keyName" -ObjectId $appSpId -ObjectType ServicePrincipal`,
    );
  });

  it("checks the Az module versions first, hides no error, names each step, and retries only Key Vault's 403", () => {
    for (const kind of ["VAULT", "MANAGED_HSM"] as const) {
      const ps = powerShellScript({ ...input, kind });
      expect(ps).not.toContain("SilentlyContinue");
      expect(ps).toContain(
        "if (-not $m -or $m.Version -lt [version]'6.0.0') { throw \"This script needs Az.Resources 6.0.0 or later",
      );
      expect(ps.indexOf("Az.KeyVault 6.0.0 or later")).toBeLessThan(ps.indexOf("Connect-AzAccount"));
      expect(ps).toContain('trap { Write-Host "Stopped while $($step): $($_.Exception.Message)"');
      expect(ps).toContain(
        "if ($attempt -eq 20 -or $_.Exception.Message -notmatch 'ForbiddenByRbac|Forbidden|AccessDenied') { throw }",
      );
      expect(ps).toContain("$key = Invoke-WhileForbidden { Add-AzKeyVaultKey");
    }
  });

  it("Managed HSM variant uses the HSM cmdlets", () => {
    const ps = powerShellScript(hsm);
    expect(ps).toContain("New-AzKeyVaultManagedHsm -Name $hsmName");
    expect(ps).toContain("-SoftDeleteRetentionInDays 90 -EnablePurgeProtection");
    expect(ps).toContain("Add-AzKeyVaultKey -HsmName $hsmName -Name $keyName -KeyType RSA -Size 3072");
    expect(ps).toContain(
      `New-AzKeyVaultRoleAssignment -HsmName $hsmName -RoleDefinitionName 'Managed HSM Crypto Service Encryption User' -ObjectId $appSpId -Scope "/keys/$keyName"`,
    );
  });
});

describe("[scripts] portal click-path", () => {
  it("names the blades, fields, role and the customer's values in their portal", () => {
    const steps = portalSteps({ ...input, cloud: getCloudProfile("usgov") });
    const text = JSON.stringify(steps);
    expect(text).toContain("https://portal.azure.us");
    expect(text).toContain("“Azure role-based access control”");
    expect(text).toContain("“Enable purge protection”");
    expect(text).toMatch(/Generate\/Import.*RSA key size “3072”/);
    expect(text).toContain("“User, group, or service principal”");
    const grant = steps.find((s) => s.title === "Allow Fabrikam's Cloud Encryption to use the key");
    expect(grant?.values).toContainEqual({
      label: "Object ID",
      value: "8b880393-77f5-41a5-9cda-bf2784bfb050",
    });
    expect(grant?.detail).toMatch(/^Open the key/);
    expect(steps.at(-1)?.values).toEqual([
      { label: "It starts with", value: "https://kv-contoso-cmk.vault.usgovcloudapi.net/keys/fabrikam-cmk/" },
    ]);
  });

  it("Managed HSM: creation in the portal, activation and local RBAC said plainly", () => {
    const text = JSON.stringify(portalSteps(hsm));
    expect(text).toContain("Azure Key Vault Managed HSMs");
    expect(text).toContain("a ceremony, not a click");
    expect(text).toContain(
      "--role 'Managed HSM Crypto Service Encryption User' --scope '/keys/fabrikam-cmk'",
    );
  });
});

describe("[scripts] refusing bad values instead of writing a broken script", () => {
  it.each([
    ["vaultName", "a'; rm -rf /"],
    ["vaultName", "kv--double"],
    ["keyName", "k'; Remove-Item"],
    ["servicePrincipalObjectId", "not-a-guid"],
    ["tenantId", "contoso.onmicrosoft.com"],
    ["resourceGroup", "rg$(whoami)"],
    ["location", "West Europe"],
    ["appDisplayName", "Fabrikam\nrm -rf /"],
    ["appDisplayName", "Fabrikam\u202e"],
  ])("%s = %j", (field, value) => {
    const bad = { ...input, [field]: value };
    expect(() => azureCliScript(bad)).toThrow(new RegExp(field));
    expect(() => powerShellScript(bad)).toThrow();
    expect(() => portalSteps(bad)).toThrow();
  });

  it("accepts only the customer clouds, taking their names from Crosskey's own profiles", () => {
    expect(() =>
      azureCliScript({ ...input, cloud: getCloudProfile("emulator", "https://localhost:8443") }),
    ).toThrow(/cloud/);
    const forged = { ...getCloudProfile("public"), cliCloudName: "AzureCloud; curl evil" };
    expect(azureCliScript({ ...input, cloud: forged })).toContain("CLOUD='AzureCloud'\n");
  });

  it("quotes for each shell so a value stays one literal word", () => {
    const nasty = `it's "$(rm -rf /)" \`x\` ‘y’`;
    expect(execFileSync("bash", ["-c", `printf %s ${bashQuote(nasty)}`]).toString()).toBe(nasty);
    expect(psQuote("it's ‘y’")).toBe("'it''s ‘‘y’’'");
  });
});

describe("[scripts] names and URI forms for the page", () => {
  it("suggests names that pass validation", () => {
    const names = suggestNames(
      "Contoso Pharmaceuticals, Inc.",
      "Fabrikam Cloud",
      "01a20688-48af-706d-82d1-f6dfa604520f",
    );
    expect(names).toEqual({
      vaultName: "kv-contoso-ph-04520f",
      keyName: "fabrikam-cloud-cmk",
      resourceGroup: "rg-fabrikam-cloud-keys",
    });
    expect(() => azureCliScript({ ...input, ...names })).not.toThrow();
  });

  it("explains versioned vs versionless per service, in the customer's cloud", () => {
    const [versionless, versioned] = explainKeyUriForms(getCloudProfile("china"), [
      "SQL_SERVER",
      "COSMOS_DB_ACCOUNT",
    ]);
    expect(versionless?.shape).toBe("https://{vault}.vault.azure.cn/keys/{key-name}");
    expect(versioned?.shape).toBe("https://{vault}.vault.azure.cn/keys/{key-name}/{version}");
    expect(versionless?.services.map((s) => s.label)).toEqual(["Azure SQL Database", "Azure Cosmos DB"]);
    expect(versioned?.services[1]?.behaviour).toMatch(/Crosskey will use the versionless form/);
    expect(KEY_URI_FORMS).toHaveLength(2);
    expect(KEY_URI_FORMS[0]).toMatch(
      /^Versionless \(https:\/\/\{vault\}\.vault\.azure\.net\/keys\/\{key-name\}\): /,
    );
  });
});
