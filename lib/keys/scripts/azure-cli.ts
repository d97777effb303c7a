import { validateScriptInput, type ScriptInput, type ValidScriptInput } from "./input";
import { bashQuote as q } from "./quote";
import { ROLES } from "./roles";

/** The oldest Azure CLI the script runs on (it checks before changing anything). */
export const MIN_AZ_CLI = "2.60.0";

/**
 * Bash + Azure CLI for the customer's tenant, least privilege: the ISV's app gets read, wrap and unwrap on
 * one key (or one vault's keys), nothing more. Throws on any value that fails validation.
 */
export function azureCliScript(input: ScriptInput): string {
  const v = validateScriptInput(input);
  const hsm = v.kind === "MANAGED_HSM";
  return (
    [
      "#!/usr/bin/env bash",
      `# Creates a key in your tenant that ${v.appDisplayName} may use to encrypt your data, and nothing more.`,
      `# Run it in Azure Cloud Shell (Bash) or any bash with Azure CLI ${MIN_AZ_CLI} or later:`,
      `#   bash <this file> [--cloud <name>]    (default ${v.cloud.cliCloudName}; or a cloud you registered with az cloud register)`,
      "set -euo pipefail",
      "",
      `CLOUD=${q(v.cloud.cliCloudName)}`,
      "while [ $# -gt 0 ]; do",
      '  case "$1" in',
      '    --cloud) CLOUD="${2:?--cloud needs a cloud name}"; shift 2 ;;',
      '    *) echo "Unknown argument: $1 (the only option is --cloud <name>)" >&2; exit 2 ;;',
      "  esac",
      "done",
      "",
      `TENANT_ID=${q(v.tenantId)}`,
      `APP_ID=${q(v.appId)}`,
      `APP_NAME=${q(v.appDisplayName)}`,
      `APP_SP_ID=${q(v.servicePrincipalObjectId)}  # the app's service principal in your tenant (object ID)`,
      `RESOURCE_GROUP=${q(v.resourceGroup)}`,
      `LOCATION=${q(v.location)}  # the region of the services that will use the key`,
      `${hsm ? "HSM" : "VAULT"}=${q(v.vaultName)}`,
      `KEY=${q(v.keyName)}`,
      "",
      "# When a command fails, the script stops and names the step; the Azure CLI has printed its error above.",
      'STEP="checking the Azure CLI"',
      `trap 'echo "Stopped while $STEP (exit code $?): the error above says why." >&2' ERR`,
      'fail() { trap - ERR; echo "$*" >&2; exit 1; }',
      "AZ_VERSION=$(az version --query '\"azure-cli\"' --output tsv) ||",
      '  fail "The Azure CLI (az) did not run. Install it (https://learn.microsoft.com/cli/azure/install-azure-cli), then start again."',
      `if [ "$(printf '%s\\n' ${MIN_AZ_CLI} "$AZ_VERSION" | sort -V | head -n 1)" != ${MIN_AZ_CLI} ]; then`,
      `  fail "This script needs Azure CLI ${MIN_AZ_CLI} or later; this is \${AZ_VERSION:-an unknown version}. Run az upgrade (or update your package), then start again."`,
      "fi",
      "",
      'STEP="signing in to $CLOUD"',
      'az cloud set --name "$CLOUD"',
      'az login --tenant "$TENANT_ID" --output none',
      "# More than one subscription? Choose the key's: az account set --subscription '<name or ID>'",
      "",
      "# Your consent created the app's service principal; stop if it is missing or this tenant has another one.",
      "# az exits with 3 when the service principal does not exist; any other failure (its error above) stops here.",
      'STEP="reading the app\'s service principal"',
      'SP_RC=0; SP_ID=$(az ad sp show --id "$APP_ID" --query id --output tsv) || SP_RC=$?',
      'if [ "$SP_RC" -eq 3 ]; then',
      '  fail "$APP_NAME is not installed in tenant $TENANT_ID: grant admin consent from the onboarding page first, then run this script again."',
      'elif [ "$SP_RC" -ne 0 ]; then',
      '  fail "Could not read the service principal of $APP_NAME (az exit code $SP_RC, error above). Nothing was changed."',
      'elif [ "$SP_ID" != "$APP_SP_ID" ]; then',
      '  fail "$APP_NAME has no service principal $APP_SP_ID in this tenant (it has $SP_ID). Sign in to $TENANT_ID and grant consent again from the onboarding page."',
      "fi",
      "",
      "# A new role assignment takes a few minutes to apply; until then Key Vault answers 403 Forbidden",
      "# (ForbiddenByRbac; a Managed HSM: AccessDenied). Only that error is retried, every 30 seconds for up to",
      "# 10 minutes; any other stops here.",
      "retry_while_forbidden() {",
      "  local attempt left err; err=$(mktemp)",
      "  for attempt in $(seq 1 20); do",
      '    if "$@" 2>"$err"; then rm -f "$err"; return 0; fi',
      '    if [ "$attempt" -eq 20 ] || ! grep -Eq \'ForbiddenByRbac|\\((Forbidden|AccessDenied)\\)\' "$err"; then cat "$err" >&2; rm -f "$err"; return 1; fi',
      "    for left in $(seq 30 -1 1); do",
      '      printf \'\\rYour role assignment is not active yet (403 Forbidden): retrying in %2d s (attempt %d of 20) \' "$left" "$attempt" >&2',
      "      sleep 1",
      "    done",
      "    echo >&2",
      "  done",
      "}",
      'STEP="reading your own object ID"',
      "ME=$(az ad signed-in-user show --query id --output tsv)",
      'STEP="creating the resource group $RESOURCE_GROUP"',
      'az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none',
      ...(hsm ? hsmSteps(v) : vaultSteps(v)),
    ].join("\n") + "\n"
  );
}

// Role names below are our own constants without $, ` or ", so plain double quotes keep them literal.
function vaultSteps(v: ValidScriptInput): string[] {
  const scope = v.scope === "key" ? '"$VAULT_ID/keys/$KEY"' : '"$VAULT_ID"';
  return [
    "",
    "# 1. A vault with purge protection and Azure RBAC (soft delete is always on).",
    'STEP="creating the vault $VAULT"',
    'az keyvault create --name "$VAULT" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\',
    "  --enable-purge-protection true --enable-rbac-authorization true --retention-days 90 --output none",
    'VAULT_ID=$(az keyvault show --name "$VAULT" --resource-group "$RESOURCE_GROUP" --query id --output tsv)',
    "",
    `# 2. Let yourself create keys in this vault only (role ${ROLES.cryptoOfficer.id}).`,
    `STEP="granting you ${ROLES.cryptoOfficer.name} on the vault"`,
    `az role assignment create --role "${ROLES.cryptoOfficer.name}" --scope "$VAULT_ID" \\`,
    '  --assignee-object-id "$ME" --assignee-principal-type User --output none',
    "",
    "# 3. An RSA 3072 key that can only wrap and unwrap.",
    'STEP="creating the key $KEY"',
    'retry_while_forbidden az keyvault key create --vault-name "$VAULT" --name "$KEY" --kty RSA --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this vault"}, nothing else (role ${ROLES.serviceEncryptionUser.id}).`,
    `STEP="granting $APP_NAME ${ROLES.serviceEncryptionUser.name}"`,
    `az role assignment create --role "${ROLES.serviceEncryptionUser.name}" --scope ${scope} \\`,
    '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
    "",
    ...printKeyIds('az keyvault key show --vault-name "$VAULT" --name "$KEY" --query key.kid --output tsv'),
  ];
}

function hsmSteps(v: ValidScriptInput): string[] {
  const scope = v.scope === "key" ? '"/keys/$KEY"' : "/keys";
  return [
    "",
    "# 1. A Managed HSM with purge protection; you are its first administrator.",
    "#    Creating one takes 15 to 30 minutes, and it is billed by the hour from then on.",
    "#    az exits with 3 when it does not exist yet; any other failure stops here with its error.",
    'STEP="looking up the Managed HSM $HSM"',
    "HSM_ERR=$(mktemp); HSM_RC=0",
    'az keyvault show --hsm-name "$HSM" --resource-group "$RESOURCE_GROUP" --output none 2>"$HSM_ERR" || HSM_RC=$?',
    'if [ "$HSM_RC" -eq 3 ]; then',
    '  STEP="creating the Managed HSM $HSM"',
    '  az keyvault create --hsm-name "$HSM" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\',
    '    --administrators "$ME" --retention-days 90 --enable-purge-protection true --output none',
    'elif [ "$HSM_RC" -ne 0 ]; then',
    '  cat "$HSM_ERR" >&2; fail "Could not look up Managed HSM $HSM (az exit code $HSM_RC, error above). Nothing was changed."',
    "fi",
    'rm -f "$HSM_ERR"',
    "",
    "# 2. Activation. A new Managed HSM holds no keys until its security domain is downloaded, encrypted to",
    "#    three or more RSA public keys whose private keys your custodians hold (a quorum can restore it).",
    "#    This is a deliberate, multi-step ceremony and is not scripted here: follow Microsoft's guide",
    "#    'Provision and activate a managed HSM using Azure CLI' (az keyvault security-domain download),",
    "#    keep the security domain file and the private keys safe, then run this script again.",
    'STATUS=$(az keyvault show --hsm-name "$HSM" --resource-group "$RESOURCE_GROUP" --query properties.securityDomainProperties.activationStatus --output tsv)',
    'if [ "$STATUS" != "Active" ]; then',
    '  echo "Managed HSM $HSM is not activated yet (status: ${STATUS:-unknown}). Download its security domain, then run this script again." >&2',
    "  exit 1",
    "fi",
    "",
    `# 3. Let yourself create keys (${ROLES.hsmCryptoUser.name}), then an RSA-HSM 3072 key that can only wrap and unwrap.`,
    `STEP="granting you ${ROLES.hsmCryptoUser.name}"`,
    `az keyvault role assignment create --hsm-name "$HSM" --role "${ROLES.hsmCryptoUser.name}" --scope /keys \\`,
    '  --assignee-object-id "$ME" --assignee-principal-type User --output none',
    'STEP="creating the key $KEY"',
    'retry_while_forbidden az keyvault key create --hsm-name "$HSM" --name "$KEY" --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this HSM"}, nothing else (Managed HSM local RBAC).`,
    `STEP="granting $APP_NAME ${ROLES.hsmServiceEncryptionUser.name}"`,
    `az keyvault role assignment create --hsm-name "$HSM" --role "${ROLES.hsmServiceEncryptionUser.name}" --scope ${scope} \\`,
    '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
    "",
    ...printKeyIds('az keyvault key show --hsm-name "$HSM" --name "$KEY" --query key.kid --output tsv'),
  ];
}

function printKeyIds(showKid: string): string[] {
  return [
    "# 5. The key identifiers: paste one into the onboarding page.",
    'STEP="reading the key identifier"',
    `KID=$(${showKid})`,
    'echo "Versioned key identifier (pinned to this version):  $KID"',
    'echo "Versionless key identifier (follows new versions): ${KID%/*}"',
  ];
}
