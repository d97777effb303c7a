import { validateScriptInput, type ScriptInput, type ValidScriptInput } from "./input";
import { psQuote as q } from "./quote";
import { ROLES } from "./roles";

/** Azure PowerShell (Az modules), the same least-privilege steps as the CLI script. Throws on bad values. */
export function powerShellScript(input: ScriptInput): string {
  const v = validateScriptInput(input);
  const hsm = v.kind === "MANAGED_HSM";
  return (
    [
      `# Creates a key in your tenant that ${v.appDisplayName} may use to encrypt your data, and nothing more.`,
      "# Run it in Azure Cloud Shell (PowerShell) or PowerShell 7 with the Az modules.",
      "$ErrorActionPreference = 'Stop'",
      "# Az.KeyVault 6 creates vaults with Azure RBAC and has the Managed HSM cmdlets used below.",
      "if (-not (Get-Module -ListAvailable Az.KeyVault | Where-Object { $_.Version -ge [version]'6.0.0' })) {",
      "  throw 'This script needs Az.KeyVault 6.0 or later: run Update-Module Az, then start again.'",
      "}",
      "",
      ...variables(v, hsm),
      "",
      `Connect-AzAccount -Environment ${q(v.cloud.powerShellEnvironment)} -Tenant $tenantId | Out-Null`,
      "# More than one subscription? Choose the key's: Set-AzContext -Subscription '<name or ID>'",
      "",
      "# Your consent created the app's service principal; stop if this tenant has another one.",
      "$sp = Get-AzADServicePrincipal -ApplicationId $appId",
      "if (-not $sp -or $sp.Id -ne $appSpId) {",
      '  throw "$appName has no service principal $appSpId in this tenant. Sign in to $tenantId and grant consent first."',
      "}",
      "",
      "# New role assignments take a minute or two to apply: retry instead of failing on the first 403.",
      "function Invoke-WithRetry([scriptblock] $Action) {",
      "  for ($attempt = 1; $attempt -le 10; $attempt++) {",
      "    try { return & $Action } catch {",
      "      if ($attempt -eq 10) { throw }",
      '      Write-Host "Waiting for the role assignment to apply ($attempt/10)..."; Start-Sleep -Seconds 30',
      "    }",
      "  }",
      "}",
      "$me = (Get-AzADUser -SignedIn).Id",
      "New-AzResourceGroup -Name $resourceGroup -Location $location -Force | Out-Null",
      ...(hsm ? hsmSteps(v) : vaultSteps(v)),
      "",
      "# 5. The key identifiers: paste one into the onboarding page.",
      'Write-Host "Versioned key identifier (pinned to this version):  $($key.Id)"',
      "Write-Host \"Versionless key identifier (follows new versions): $($key.Id.Substring(0, $key.Id.LastIndexOf('/')))\"",
    ].join("\n") + "\n"
  );
}

function variables(v: ValidScriptInput, hsm: boolean): string[] {
  const set = (name: string, value: string, why = "") =>
    `$${name.padEnd(13)} = ${q(value)}${why && `  # ${why}`}`;
  return [
    set("tenantId", v.tenantId),
    set("appId", v.appId),
    set("appName", v.appDisplayName),
    set("appSpId", v.servicePrincipalObjectId, "the app's service principal in your tenant (object ID)"),
    set("resourceGroup", v.resourceGroup),
    set("location", v.location, "the region of the services that will use the key"),
    set(hsm ? "hsmName" : "vaultName", v.vaultName),
    set("keyName", v.keyName),
  ];
}

function vaultSteps(v: ValidScriptInput): string[] {
  const scope = v.scope === "key" ? '"$($vault.ResourceId)/keys/$keyName"' : "$vault.ResourceId";
  return [
    "",
    "# 1. A vault with purge protection and Azure RBAC (soft delete is always on).",
    "$vault = New-AzKeyVault -Name $vaultName -ResourceGroupName $resourceGroup -Location $location -EnablePurgeProtection -SoftDeleteRetentionInDays 90",
    'if (-not $vault.EnableRbacAuthorization) { throw "Vault $vaultName does not use Azure RBAC; update Az.KeyVault and start again." }',
    "",
    `# 2. Let yourself create keys in this vault only (${ROLES.cryptoOfficer.id}).`,
    `New-AzRoleAssignment -RoleDefinitionName ${q(ROLES.cryptoOfficer.name)} -Scope $vault.ResourceId -ObjectId $me -ObjectType User | Out-Null`,
    "",
    "# 3. An RSA 3072 key that can only wrap and unwrap.",
    "$key = Invoke-WithRetry { Add-AzKeyVaultKey -VaultName $vaultName -Name $keyName -Destination Software -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey }",
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this vault"}, nothing else (${ROLES.serviceEncryptionUser.id}).`,
    `New-AzRoleAssignment -RoleDefinitionName ${q(ROLES.serviceEncryptionUser.name)} -Scope ${scope} -ObjectId $appSpId -ObjectType ServicePrincipal | Out-Null`,
  ];
}

function hsmSteps(v: ValidScriptInput): string[] {
  const scope = v.scope === "key" ? '"/keys/$keyName"' : "'/keys'";
  return [
    "",
    "# 1. A Managed HSM with purge protection; you are its first administrator.",
    "#    Creating one takes 15 to 30 minutes, and it is billed by the hour from then on.",
    "$hsm = Get-AzKeyVaultManagedHsm -Name $hsmName -ResourceGroupName $resourceGroup -ErrorAction SilentlyContinue",
    "if (-not $hsm) {",
    "  $hsm = New-AzKeyVaultManagedHsm -Name $hsmName -ResourceGroupName $resourceGroup -Location $location -Administrator $me -SoftDeleteRetentionInDays 90 -EnablePurgeProtection",
    "}",
    "",
    "# 2. Activation. A new Managed HSM holds no keys until its security domain is downloaded, encrypted to",
    "#    three or more RSA public keys whose private keys your custodians hold (a quorum can restore it).",
    "#    This is a deliberate, multi-step ceremony and is not scripted here: follow Microsoft's guide",
    "#    'Provision and activate a managed HSM' (Export-AzKeyVaultSecurityDomain), keep the security domain",
    "#    file and the private keys safe, then run this script again.",
    "if ($hsm.SecurityDomain.ActivationStatus -ne 'Active') {",
    '  throw "Managed HSM $hsmName is not activated yet. Download its security domain, then run this script again."',
    "}",
    "",
    `# 3. Let yourself create keys (${ROLES.hsmCryptoUser.name}), then an RSA-HSM 3072 key that can only wrap and unwrap.`,
    `New-AzKeyVaultRoleAssignment -HsmName $hsmName -RoleDefinitionName ${q(ROLES.hsmCryptoUser.name)} -ObjectId $me -Scope '/keys' | Out-Null`,
    "$key = Invoke-WithRetry { Add-AzKeyVaultKey -HsmName $hsmName -Name $keyName -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey }",
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this HSM"}, nothing else (Managed HSM local RBAC).`,
    `New-AzKeyVaultRoleAssignment -HsmName $hsmName -RoleDefinitionName ${q(ROLES.hsmServiceEncryptionUser.name)} -ObjectId $appSpId -Scope ${scope} | Out-Null`,
  ];
}
