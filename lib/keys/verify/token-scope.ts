import "server-only";
import type { CloudProfile } from "@/lib/azure/clouds";
import type { KeyTarget } from "./types";

/**
 * The token audience for a key's data plane: a Managed HSM challenges for its own resource
 * (`https://managedhsm.azure.net`), not Key Vault's; see
 * https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses.
 */
export function keyVaultTokenScope(vaultKind: KeyTarget["vaultKind"], cloud: CloudProfile): string {
  return vaultKind === "MANAGED_HSM" ? cloud.scopes.managedHsm : cloud.scopes.keyVault;
}
