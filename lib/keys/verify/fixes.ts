import "server-only";
import type { KeyTarget } from "./types";

/** The Azure CLI commands that repair each failure, with the customer's own values filled in. */
export function grantRoleCommand(key: KeyTarget, spObjectId: string): string {
  if (key.vaultKind === "MANAGED_HSM") {
    return `az keyvault role assignment create --hsm-name ${key.vaultName} --role "Managed HSM Crypto Service Encryption User" --scope /keys/${key.keyName} --assignee-object-id ${spObjectId} --assignee-principal-type ServicePrincipal`;
  }
  return `az role assignment create --role "Key Vault Crypto Service Encryption User" --assignee-object-id ${spObjectId} --assignee-principal-type ServicePrincipal --scope "$(az keyvault show --name ${key.vaultName} --query id -o tsv)"`;
}

export function enableKeyCommand(key: KeyTarget): string {
  return key.vaultKind === "MANAGED_HSM"
    ? `az keyvault key set-attributes --hsm-name ${key.vaultName} --name ${key.keyName} --enabled true`
    : `az keyvault key set-attributes --vault-name ${key.vaultName} --name ${key.keyName} --enabled true`;
}

export function newRsaKeyCommand(key: KeyTarget): string {
  return key.vaultKind === "MANAGED_HSM"
    ? `az keyvault key create --hsm-name ${key.vaultName} --name ${key.keyName}-rsa --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey`
    : `az keyvault key create --vault-name ${key.vaultName} --name ${key.keyName}-rsa --kty RSA --size 3072 --ops wrapKey unwrapKey`;
}

export function purgeProtectionCommand(key: KeyTarget): string {
  return key.vaultKind === "MANAGED_HSM"
    ? `az keyvault update-hsm --hsm-name ${key.vaultName} --enable-purge-protection true`
    : `az keyvault update --name ${key.vaultName} --enable-purge-protection true`;
}

export function keyOpsCommand(key: KeyTarget): string {
  const where =
    key.vaultKind === "MANAGED_HSM" ? `--hsm-name ${key.vaultName}` : `--vault-name ${key.vaultName}`;
  return `az keyvault key set-attributes ${where} --name ${key.keyName} --ops wrapKey unwrapKey`;
}

export function extendExpiryCommand(key: KeyTarget): string {
  const where =
    key.vaultKind === "MANAGED_HSM" ? `--hsm-name ${key.vaultName}` : `--vault-name ${key.vaultName}`;
  return `az keyvault key set-attributes ${where} --name ${key.keyName} --expires "$(date -u -d '+2 years' +%Y-%m-%dT%H:%M:%SZ)"`;
}
