import { describe, expect, it } from "vitest";
import { CLOUD_NAMES, CUSTOMER_CLOUDS, getCloudProfile } from "../../lib/azure/clouds";

describe("[config] cloud profiles", () => {
  it("keeps each sovereign cloud's endpoints and key vault suffixes apart", () => {
    const [pub, china, gov] = (["public", "china", "usgov"] as const).map((n) => getCloudProfile(n));
    expect(pub!.keyVaultSuffixes).toEqual(["vault.azure.net"]);
    expect(china!.keyVaultSuffixes).toEqual(["vault.azure.cn"]);
    expect(gov!.managedHsmSuffixes).toEqual(["managedhsm.usgovcloudapi.net"]);
    expect(new Set([pub!.authorityHost, china!.authorityHost, gov!.authorityHost]).size).toBe(3);
    expect(gov!.tokenExchangeAudience).toBe("api://AzureADTokenExchangeUSGov");
    expect(CUSTOMER_CLOUDS.map((c) => c.name)).toEqual(["public", "china", "usgov"]);
  });

  it("points the emulator profile at the configured emulator while keeping real resource identifiers", () => {
    const emu = getCloudProfile("emulator", "https://localhost:9443");
    expect(emu.authorityHost).toBe("https://localhost:9443");
    expect(emu.knownAuthorities).toEqual(["localhost:9443"]);
    expect(emu.graphEndpoint).toBe("https://localhost:9443/graph");
    expect(emu.scopes.keyVault).toBe("https://vault.azure.net/.default");
    expect(emu.keyVaultSuffixes).toEqual(["vault.azure.net"]);
    // Key Vault is not routed by the profile: every cloud keeps the real vault host (proxy mode serves it).
    expect(Object.keys(emu).sort()).toEqual(Object.keys(getCloudProfile("public")).sort());
  });

  it("requires an endpoint for the emulator profile", () => {
    expect(() => getCloudProfile("emulator")).toThrow(/EMULATOR_URL/);
    expect(CLOUD_NAMES).toContain("emulator");
  });
});
