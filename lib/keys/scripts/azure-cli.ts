import { validateScriptValues, vaultHost, type ScriptValues } from "./input";

const SERVICE_ROLE = "Key Vault Crypto Service Encryption User"; // e147488a-f6f5-4113-8e2d-b22465e65bf6
const HSM_SERVICE_ROLE = "Managed HSM Crypto Service Encryption User"; // 33413926-3206-4cdd-b39a-83574fe37a17

/** Bash + Azure CLI, least privilege: the ISV's app gets only wrap/unwrap/read on this vault or key. */
export function azureCliScript(input: ScriptValues): string {
  const v = validateScriptValues(input);
  const header = [
    "#!/usr/bin/env bash",
    `# Gives ${v.appDisplayName} use of an encryption key in your tenant. Run in Azure Cloud Shell (Bash) or any shell with az 2.60+.`,
    "set -euo pipefail",
    "",
    `TENANT_ID='${v.tenantId}'`,
    `APP_ID='${v.appId}'                       # ${v.appDisplayName}`,
    `APP_SP_ID='${v.servicePrincipalObjectId}'  # its service principal in your tenant (created by your consent)`,
    `RG='${v.resourceGroup}'`,
    `LOCATION='${v.location}'                   # the region of the services that will use the key`,
    `${v.kind === "MANAGED_HSM" ? "HSM" : "VAULT"}='${v.vaultName}'`,
    `KEY='${v.keyName}'`,
    "",
    `az cloud set --name ${v.cloud.cliCloudName}`,
    'az login --tenant "$TENANT_ID"',
    'az group create --name "$RG" --location "$LOCATION" --output none',
  ];
  return [...header, ...(v.kind === "MANAGED_HSM" ? hsmSteps(v) : vaultSteps(v))].join("\n") + "\n";
}

function vaultSteps(v: ScriptValues): string[] {
  const scope = v.scope === "key" ? '"$VAULT_ID/keys/$KEY"' : '"$VAULT_ID"';
  return [
    "",
    "# 1. A vault with purge protection and Azure RBAC (soft delete is always on).",
    'az keyvault create --name "$VAULT" --resource-group "$RG" --location "$LOCATION" \\',
    "  --enable-purge-protection true --enable-rbac-authorization true --retention-days 90 --output none",
    'VAULT_ID=$(az keyvault show --name "$VAULT" --query id --output tsv)',
    "",
    "# 2. Let yourself create keys in it (role assignments can take a minute to apply).",
    'az role assignment create --role "Key Vault Crypto Officer" --scope "$VAULT_ID" \\',
    '  --assignee-object-id "$(az ad signed-in-user show --query id --output tsv)" --assignee-principal-type User --output none',
    "",
    "# 3. An RSA 3072 key that may only wrap and unwrap.",
    'az keyvault key create --vault-name "$VAULT" --name "$KEY" --kty RSA --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    `# 4. Allow the app to use the key: read, wrap and unwrap only (${v.scope === "key" ? "this key only" : "keys in this vault"}).`,
    `az role assignment create --role "${SERVICE_ROLE}" --scope ${scope} \\`,
    '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
    "",
    "# 5. The key URI to paste into the onboarding page (versionless: services follow new versions you create).",
    `echo "https://${vaultHost(v)}/keys/$KEY"`,
    "# Versioned form (pinned to today's version):",
    'az keyvault key show --vault-name "$VAULT" --name "$KEY" --query key.kid --output tsv',
  ];
}

function hsmSteps(v: ScriptValues): string[] {
  return [
    "",
    "# 1. A Managed HSM with purge protection. You are its first administrator.",
    'az keyvault create --hsm-name "$HSM" --resource-group "$RG" --location "$LOCATION" --retention-days 90 \\',
    '  --enable-purge-protection true --administrators "$(az ad signed-in-user show --query id --output tsv)" --output none',
    "# 2. Activate it: download its security domain with three or more RSA keys you control. This is a deliberate,",
    "#    offline ceremony; see 'az keyvault security-domain download --help'. Keys cannot be created before it.",
    "",
    "# 3. An RSA-HSM 3072 key that may only wrap and unwrap.",
    'az keyvault role assignment create --hsm-name "$HSM" --role "Managed HSM Crypto User" --scope /keys \\',
    '  --assignee-object-id "$(az ad signed-in-user show --query id --output tsv)" --assignee-principal-type User --output none',
    'az keyvault key create --hsm-name "$HSM" --name "$KEY" --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey --output none',
    "",
    "# 4. Allow the app to use this key only (Managed HSM local RBAC).",
    `az keyvault role assignment create --hsm-name "$HSM" --role "${HSM_SERVICE_ROLE}" --scope "/keys/$KEY" \\`,
    '  --assignee-object-id "$APP_SP_ID" --assignee-principal-type ServicePrincipal --output none',
    "",
    "# 5. The key URI to paste into the onboarding page.",
    `echo "https://${vaultHost(v)}/keys/$KEY"`,
  ];
}
