import { describe, expect, it } from "vitest";
import { CUSTOMER_CLOUDS, getCloudProfile } from "../../../lib/azure/clouds";
import { keyVaultTokenScope } from "../../../lib/keys/verify/token-scope";

describe("[verify] token audience per vault kind", () => {
  it("a vault key is checked with Key Vault's audience, a Managed HSM key with the HSM's, in every cloud", () => {
    expect(keyVaultTokenScope("VAULT", getCloudProfile("public"))).toBe("https://vault.azure.net/.default");
    expect(keyVaultTokenScope("MANAGED_HSM", getCloudProfile("public"))).toBe(
      "https://managedhsm.azure.net/.default",
    );
    expect(keyVaultTokenScope("MANAGED_HSM", getCloudProfile("china"))).toBe(
      "https://managedhsm.azure.cn/.default",
    );
    for (const cloud of CUSTOMER_CLOUDS) {
      expect(keyVaultTokenScope("VAULT", cloud)).toBe(cloud.scopes.keyVault);
      expect(keyVaultTokenScope("MANAGED_HSM", cloud)).toBe(cloud.scopes.managedHsm);
      expect(cloud.scopes.managedHsm).not.toBe(cloud.scopes.keyVault);
    }
  });
});
