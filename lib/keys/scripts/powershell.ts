import { validateScriptInput, type ScriptInput, type ValidScriptInput } from "./input";
import { psQuote as q } from "./quote";
import { ROLES } from "./roles";

/**
 * The oldest Az modules the script runs on (it checks before changing anything): Az.Resources 6 reads Entra
 * through Microsoft Graph; Az.KeyVault 6 creates RBAC vaults and has the Managed HSM cmdlets used below.
 */
export const MIN_AZ_MODULES: readonly [string, string][] = [
  ["Az.Accounts", "2.13.0"],
  ["Az.Resources", "6.0.0"],
  ["Az.KeyVault", "6.0.0"],
];

/** Azure PowerShell (Az modules), the same least-privilege steps as the CLI script. Throws on bad values. */
export function powerShellScript(input: ScriptInput): string {
  const v = validateScriptInput(input);
  const hsm = v.kind === "MANAGED_HSM";
  return (
    [
      `# Creates a key in your tenant that ${v.appDisplayName} may use to encrypt your data, and nothing more.`,
      "# Run it in Azure Cloud Shell (PowerShell) or PowerShell 7 with the Az modules:",
      `#   ./<this file>.ps1 [-Environment <name>]   (default ${v.cloud.powerShellEnvironment}; or one you added with Add-AzEnvironment)`,
      `param([string] $Environment = ${q(v.cloud.powerShellEnvironment)})`,
      "$ErrorActionPreference = 'Stop'",
      "# When a command fails, the script stops and names the step, with the error as Azure gave it.",
      "$step = 'checking the Az modules'",
      'trap { Write-Host "Stopped while $($step): $($_.Exception.Message)" -ForegroundColor Red; break }',
      ...MIN_AZ_MODULES.map(
        ([name, version]) =>
          `$m = Get-Module -ListAvailable ${name} | Sort-Object Version -Descending | Select-Object -First 1\n` +
          `if (-not $m -or $m.Version -lt [version]'${version}') { throw "This script needs ${name} ${version} or later (found: $(if ($m) { $m.Version } else { 'none' })). Run Update-Module Az, then start again." }`,
      ),
      "",
      ...variables(v, hsm),
      "",
      '$step = "signing in to $Environment"',
      "Connect-AzAccount -Environment $Environment -Tenant $tenantId | Out-Null",
      "# More than one subscription? Choose the key's: Set-AzContext -Subscription '<name or ID>'",
      "",
      "# Your consent created the app's service principal; stop if it is missing or this tenant has another one.",
      "# A missing service principal returns nothing; a failed lookup throws and stops here with its error.",
      '$step = "reading the app\'s service principal"',
      "$sp = Get-AzADServicePrincipal -ApplicationId $appId",
      "if (-not $sp) {",
      '  throw "$appName is not installed in tenant $($tenantId): grant admin consent from the onboarding page first, then run this script again."',
      "}",
      "if ($sp.Id -ne $appSpId) {",
      '  throw "$appName has no service principal $appSpId in this tenant (it has $($sp.Id)). Sign in to $tenantId and grant consent again from the onboarding page."',
      "}",
      "",
      "# A new role assignment takes a few minutes to apply; until then Key Vault answers 403 Forbidden",
      "# (ForbiddenByRbac; a Managed HSM: AccessDenied). Only that error is retried, every 30 seconds for up to",
      "# 10 minutes; any other stops here.",
      "function Invoke-WhileForbidden([scriptblock] $Action) {",
      "  for ($attempt = 1; $attempt -le 20; $attempt++) {",
      "    try { return & $Action } catch {",
      "      if ($attempt -eq 20 -or $_.Exception.Message -notmatch 'ForbiddenByRbac|Forbidden|AccessDenied') { throw }",
      "      for ($left = 30; $left -gt 0; $left--) {",
      '        Write-Host -NoNewline ("`rYour role assignment is not active yet (403 Forbidden): retrying in {0,2} s (attempt {1} of 20) " -f $left, $attempt)',
      "        Start-Sleep -Seconds 1",
      "      }",
      "      Write-Host ''",
      "    }",
      "  }",
      "}",
      "$step = 'reading your own object ID'",
      "$me = (Get-AzADUser -SignedIn).Id",
      '$step = "creating the resource group $resourceGroup"',
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
    '$step = "creating the vault $vaultName"',
    "$vault = New-AzKeyVault -Name $vaultName -ResourceGroupName $resourceGroup -Location $location -EnablePurgeProtection -SoftDeleteRetentionInDays 90",
    'if (-not $vault.EnableRbacAuthorization) { throw "Vault $vaultName does not use Azure RBAC; update Az.KeyVault and start again." }',
    "",
    `# 2. Let yourself create keys in this vault only (${ROLES.cryptoOfficer.id}).`,
    `$step = 'granting you ${ROLES.cryptoOfficer.name} on the vault'`,
    `New-AzRoleAssignment -RoleDefinitionName ${q(ROLES.cryptoOfficer.name)} -Scope $vault.ResourceId -ObjectId $me -ObjectType User | Out-Null`,
    "",
    "# 3. An RSA 3072 key that can only wrap and unwrap.",
    '$step = "creating the key $keyName"',
    "$key = Invoke-WhileForbidden { Add-AzKeyVaultKey -VaultName $vaultName -Name $keyName -Destination Software -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey }",
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this vault"}, nothing else (${ROLES.serviceEncryptionUser.id}).`,
    `$step = "granting $appName ${ROLES.serviceEncryptionUser.name}"`,
    `New-AzRoleAssignment -RoleDefinitionName ${q(ROLES.serviceEncryptionUser.name)} -Scope ${scope} -ObjectId $appSpId -ObjectType ServicePrincipal | Out-Null`,
  ];
}

function hsmSteps(v: ValidScriptInput): string[] {
  const scope = v.scope === "key" ? '"/keys/$keyName"' : "'/keys'";
  return [
    "",
    "# 1. A Managed HSM with purge protection; you are its first administrator.",
    "#    Creating one takes 15 to 30 minutes, and it is billed by the hour from then on.",
    "#    It is looked up first; a failed lookup throws and stops here with its error.",
    '$step = "looking up the Managed HSM $hsmName"',
    "$hsm = Get-AzKeyVaultManagedHsm -ResourceGroupName $resourceGroup | Where-Object { $_.Name -eq $hsmName }",
    "if (-not $hsm) {",
    '  $step = "creating the Managed HSM $hsmName"',
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
    `$step = 'granting you ${ROLES.hsmCryptoUser.name}'`,
    `New-AzKeyVaultRoleAssignment -HsmName $hsmName -RoleDefinitionName ${q(ROLES.hsmCryptoUser.name)} -ObjectId $me -Scope '/keys' | Out-Null`,
    '$step = "creating the key $keyName"',
    "$key = Invoke-WhileForbidden { Add-AzKeyVaultKey -HsmName $hsmName -Name $keyName -KeyType RSA -Size 3072 -KeyOps wrapKey,unwrapKey }",
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this HSM"}, nothing else (Managed HSM local RBAC).`,
    `$step = "granting $appName ${ROLES.hsmServiceEncryptionUser.name}"`,
    `New-AzKeyVaultRoleAssignment -HsmName $hsmName -RoleDefinitionName ${q(ROLES.hsmServiceEncryptionUser.name)} -ObjectId $appSpId -Scope ${scope} | Out-Null`,
  ];
}
