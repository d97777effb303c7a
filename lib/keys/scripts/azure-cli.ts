import { validateScriptInput, type ScriptInput, type ValidScriptInput } from "./input";
import { bashQuote as q } from "./quote";
import { ROLES } from "./roles";

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
      "# Run it in Azure Cloud Shell (Bash) or any bash with Azure CLI 2.60 or later.",
      "set -euo pipefail",
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
      `az cloud set --name ${q(v.cloud.cliCloudName)}`,
      'az login --tenant "$TENANT_ID" --output none',
      "# More than one subscription? Choose the key's: az account set --subscription '<name or ID>'",
      "",
      "# Your consent created the app's service principal; stop if this tenant has another one.",
      'if [ "$(az ad sp show --id "$APP_ID" --query id --output tsv 2>/dev/null || true)" != "$APP_SP_ID" ]; then',
      '  echo "$APP_NAME has no service principal $APP_SP_ID in this tenant. Sign in to $TENANT_ID and grant consent first." >&2',
      "  exit 1",
      "fi",
      "",
      "# New role assignments take a minute or two to apply: retry instead of failing on the first 403.",
      'retry() { for attempt in 1 2 3 4 5 6 7 8 9 10; do "$@" && return 0; echo "Waiting for the role assignment to apply ($attempt/10)..." >&2; sleep 30; done; return 1; }',
      "ME=$(az ad signed-in-user show --query id --output tsv)",
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
    'az keyvault create --name "$VAULT" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\',
    "  --enable-purge-protection true --enable-rbac-authorization true --retention-days 90 --output none",
    'VAULT_ID=$(az keyvault show --name "$VAULT" --resource-group "$RESOURCE_GROUP" --query id --output tsv)',
    "",
    `# 2. Let yourself create keys in this vault only (role ${ROLES.cryptoOfficer.id}).`,
    `az role assignment create --role "${ROLES.cryptoOfficer.name}" --scope "$VAULT_ID" \\`,
    '  --assignee-object-id "$ME" --assignee-principal-type User --output none',
    "",
    "# 3. An RSA 3072 key that can only wrap and unwrap.",
    'retry az keyvault key create --vault-name "$VAULT" --name "$KEY" --kty RSA --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this vault"}, nothing else (role ${ROLES.serviceEncryptionUser.id}).`,
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
    'if ! az keyvault show --hsm-name "$HSM" --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then',
    '  az keyvault create --hsm-name "$HSM" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\',
    '    --administrators "$ME" --retention-days 90 --enable-purge-protection true --output none',
    "fi",
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
    `az keyvault role assignment create --hsm-name "$HSM" --role "${ROLES.hsmCryptoUser.name}" --scope /keys \\`,
    '  --assignee-object-id "$ME" --assignee-principal-type User --output none',
    'retry az keyvault key create --hsm-name "$HSM" --name "$KEY" --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    `# 4. Let the app read, wrap and unwrap ${v.scope === "key" ? "this key" : "the keys in this HSM"}, nothing else (Managed HSM local RBAC).`,
    `az keyvault role assignment create --hsm-name "$HSM" --role "${ROLES.hsmServiceEncryptionUser.name}" --scope ${scope} \\`,
    '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
    "",
    ...printKeyIds('az keyvault key show --hsm-name "$HSM" --name "$KEY" --query key.kid --output tsv'),
  ];
}

function printKeyIds(showKid: string): string[] {
  return [
    "# 5. The key identifiers: paste one into the onboarding page.",
    `KID=$(${showKid})`,
    'echo "Versioned key identifier (pinned to this version):  $KID"',
    'echo "Versionless key identifier (follows new versions): ${KID%/*}"',
  ];
}
