import { validateScriptValues, vaultHost, type ScriptValues } from "./input";

/** Azure PowerShell (Az 12+), the same least-privilege steps as the CLI script. */
export function powerShellScript(input: ScriptValues): string {
  const v = validateScriptValues(input);
  const lines = [
    `# Gives ${v.appDisplayName} use of an encryption key in your tenant. Run in Azure Cloud Shell (PowerShell) or with Az 12+.`,
    "$ErrorActionPreference = 'Stop'",
    `$tenantId = '${v.tenantId}'`,
    `$appSpId  = '${v.servicePrincipalObjectId}'  # ${v.appDisplayName}'s service principal in your tenant`,
    `$rg       = '${v.resourceGroup}'`,
    `$location = '${v.location}'`,
    `$name     = '${v.vaultName}'`,
    `$key      = '${v.keyName}'`,
    "",
    `Connect-AzAccount -Environment ${v.cloud.powerShellEnvironment} -Tenant $tenantId | Out-Null`,
    "New-AzResourceGroup -Name $rg -Location $location -Force | Out-Null",
    "$me = (Get-AzADUser -SignedIn).Id",
  ];
  const vault = [
    "",
    "# 1. A vault with purge protection and Azure RBAC.",
    "$kv = New-AzKeyVault -Name $name -ResourceGroupName $rg -Location $location -EnablePurgeProtection -EnableRbacAuthorization",
    "# 2. Let yourself create keys (assignments can take a minute to apply).",
    "New-AzRoleAssignment -RoleDefinitionName 'Key Vault Crypto Officer' -Scope $kv.ResourceId -ObjectId $me | Out-Null",
    "# 3. An RSA 3072 key that may only wrap and unwrap.",
    "$k = Add-AzKeyVaultKey -VaultName $name -Name $key -Destination Software -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey",
    "# 4. Allow the app to use the key: read, wrap and unwrap only.",
    `New-AzRoleAssignment -RoleDefinitionName 'Key Vault Crypto Service Encryption User' -Scope ${v.scope === "key" ? '"$($kv.ResourceId)/keys/$key"' : "$kv.ResourceId"} -ObjectId $appSpId | Out-Null`,
    "# 5. The key URI to paste into the onboarding page (versionless), and the versioned one.",
    `"https://${vaultHost(v)}/keys/$key"`,
    "$k.Id",
  ];
  const hsm = [
    "",
    "# 1. A Managed HSM with purge protection; you are its first administrator.",
    "New-AzKeyVaultManagedHsm -Name $name -ResourceGroupName $rg -Location $location -Administrator $me -EnablePurgeProtection | Out-Null",
    "# 2. Activate it by downloading its security domain (Export-AzKeyVaultSecurityDomain): a deliberate, offline ceremony.",
    "# 3. An RSA-HSM 3072 key that may only wrap and unwrap.",
    "New-AzKeyVaultRoleAssignment -HsmName $name -RoleDefinitionName 'Managed HSM Crypto User' -ObjectId $me -Scope '/keys' | Out-Null",
    "Add-AzKeyVaultKey -HsmName $name -Name $key -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey | Out-Null",
    "# 4. Allow the app to use this key only.",
    "New-AzKeyVaultRoleAssignment -HsmName $name -RoleDefinitionName 'Managed HSM Crypto Service Encryption User' -ObjectId $appSpId -Scope \"/keys/$key\" | Out-Null",
    "# 5. The key URI to paste into the onboarding page.",
    `"https://${vaultHost(v)}/keys/$key"`,
  ];
  return [...lines, ...(v.kind === "MANAGED_HSM" ? hsm : vault)].join("\n") + "\n";
}
