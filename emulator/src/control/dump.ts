import type { Emulator } from "../emulator.js";

const values = <T>(m: Map<string, T>): T[] => [...m.values()];

/** Everything a test or a person debugging the demo wants to see; key material never leaves. */
export function dumpState(emu: Emulator): Record<string, unknown> {
  const vaults = emu.arm
    .listResources("/")
    .filter((r) => r.type.toLowerCase() === "microsoft.keyvault/vaults");
  const keys = vaults.map((v) => {
    const host = new URL(String(v.properties.vaultUri ?? `https://${v.name}.vault.azure.net`)).host;
    return {
      vault: host,
      keys: emu.keyVault.listKeys(host).map(({ publicKey: _p, privateKey: _k, ...k }) => ({
        ...k,
        versions: emu.keyVault
          .listVersions(host, k.name)
          .map((x) => ({ version: x.version, enabled: x.enabled, exp: x.exp, nbf: x.nbf })),
      })),
    };
  });
  return {
    baseUrl: emu.baseUrl,
    clock: emu.clock.describe(),
    settings: emu.settings,
    faults: emu.faults.list(),
    directory: emu.directory.dump(),
    arm: {
      subscriptions: values(emu.arm.subscriptions),
      resourceGroups: values(emu.arm.resourceGroups),
      resources: values(emu.arm.resources),
      roleAssignments: values(emu.arm.roleAssignments),
    },
    keyVault: keys,
  };
}
