import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { CMK_APP, CONTOSO, startEmulator } from "./identity-helpers.js";

/** The demo portal drives the real ARM / Key Vault / Graph handlers as the tenant's admin. */
let emulator: RunningEmulator;
let url: string;

beforeAll(async () => {
  emulator = await startEmulator();
  url = emulator.url;
});
afterAll(() => emulator.close());

async function submit(action: string, fields: Record<string, string>): Promise<URL> {
  const res = await fetch(`${url}/_portal/${action}`, {
    method: "POST",
    body: new URLSearchParams({ tenant: CONTOSO, ...fields }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location") ?? "", url);
}

describe("demo portal", () => {
  it("installs the ISV app, creates a vault and key, grants the app and disables the key", async () => {
    expect((await submit("grant", { scope: "/subscriptions/x" })).searchParams.get("err")).toMatch(
      /install it/,
    );
    expect((await submit("install", {})).searchParams.get("msg")).toMatch(/installed/);
    const sp = emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP);
    expect(sp).toBeDefined();
    const vault = {
      subscriptionId: "aaaaaaaa-0000-4000-8000-00000000c001",
      resourceGroup: "cmk",
      name: "contoso-portal-kv",
      location: "westeurope",
      purgeProtection: "true",
    };
    expect((await submit("vault", vault)).searchParams.get("err")).toBeNull();
    const host = "contoso-portal-kv.vault.azure.net";
    expect(emulator.emu.arm.findVaultByHost(host)?.properties.enablePurgeProtection).toBe(true);
    expect(
      (await submit("key", { vault: host, name: "cmk", kty: "RSA", size: "3072" })).searchParams.get("err"),
    ).toBeNull();
    expect(emulator.emu.keyVault.getKey(host, "cmk")?.enabled).toBe(true);
    const vaultId = emulator.emu.arm.findVaultByHost(host)?.id ?? "";
    expect((await submit("grant", { scope: vaultId })).searchParams.get("err")).toBeNull();
    expect(
      emulator.emu.arm.hasDataAction({
        principalId: sp?.id ?? "",
        tenantId: CONTOSO,
        scope: `${vaultId}/keys/cmk`,
        dataAction: "Microsoft.KeyVault/vaults/keys/unwrap/action",
      }),
    ).toBe(true);
    await submit("key-enabled", { vault: host, key: "cmk", enabled: "false" });
    expect(emulator.emu.keyVault.getKey(host, "cmk")?.enabled).toBe(false);
    const page = await (await fetch(`${url}/?tenant=${CONTOSO}`)).text();
    expect(page).toContain("contoso-portal-kv");
    expect(page).toContain("disabled");
  });

  it("Managed HSM: creates an RSA-HSM key and grants the app on it with the HSM's local RBAC, not Azure RBAC", async () => {
    const hsm = "mhsm-contoso.managedhsm.azure.net";
    const before = await (await fetch(`${url}/?tenant=${CONTOSO}`)).text();
    expect(before).toContain("Managed HSMs");
    expect(before).toContain("mhsm-contoso");
    expect(
      (await submit("hsm-key", { hsm, name: "portal-hsm", size: "3072" })).searchParams.get("err"),
    ).toBeNull();
    expect(emulator.emu.keyVault.getKey(hsm, "portal-hsm")?.kty).toBe("RSA-HSM");
    expect((await submit("hsm-grant", { hsm, key: "portal-hsm" })).searchParams.get("err")).toBeNull();
    const sp = emulator.emu.directory.findServicePrincipal(CONTOSO, CMK_APP);
    expect(emulator.emu.keyVault.hsmRbac.list(hsm)).toContainEqual(
      expect.objectContaining({
        principalId: sp?.id,
        scope: "/keys/portal-hsm",
        roleDefinitionId:
          "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/33413926-3206-4cdd-b39a-83574fe37a17",
      }),
    );
    const after = await (await fetch(`${url}/?tenant=${CONTOSO}`)).text();
    expect(after).toContain("ISV app granted (local RBAC)");
  });
});
