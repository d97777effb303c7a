import { afterAll, describe, expect, it, vi } from "vitest";
import { getCloud, getEnv } from "../../../lib/env";
import type { CustomerKey } from "../../../lib/generated/prisma/client";
import { AppError } from "../../../lib/errors";
import { buildModuleInput, isvIdentity, toKeyRef } from "../../../lib/operations/module-input";

// The identity and the cloud come from the configuration (its defaults, with the two values it requires). The
// configuration is read once per process: later files that run in this process (mutation testing shares one)
// get fresh modules, so they read their own.
process.env.SESSION_SECRET ??= "unit-test-session-secret-of-enough-length-0123456789";
process.env.DATABASE_URL ??= "postgresql://unit@localhost/unit";
afterAll(() => {
  vi.resetModules();
});

const V = "0123456789abcdef0123456789abcdef";
const row = (over: Partial<CustomerKey> = {}) =>
  ({
    keyUri: "https://kv-contoso.vault.azure.net/keys/cmk",
    vaultHost: "kv-contoso.vault.azure.net",
    vaultKind: "VAULT",
    keyName: "cmk",
    keyVersion: null,
    verificationStatus: "VERIFIED",
    verifiedVersion: V,
    keyType: "RSA-HSM",
    keySize: 3072,
    tenantId: "c0000000-0000-4000-8000-00000000c001",
    ...over,
  }) as CustomerKey;

describe("[operations] what the resource modules are given", () => {
  it("the verified key, as stored, with its verified version", () => {
    expect(toKeyRef(row())).toEqual({
      keyUri: "https://kv-contoso.vault.azure.net/keys/cmk",
      vaultUri: "https://kv-contoso.vault.azure.net",
      vaultName: "kv-contoso",
      vaultKind: "VAULT",
      keyName: "cmk",
      keyVersion: null,
      verifiedVersion: V,
      keyType: "RSA-HSM",
      keySize: 3072,
      tenantId: "c0000000-0000-4000-8000-00000000c001",
    });
    expect(toKeyRef(row({ keyType: null })).keyType).toBe("RSA");
  });

  it("a key that is not verified, or has no verified version, is refused", () => {
    for (const over of [{ verificationStatus: "FAILED" as const }, { verifiedVersion: null }]) {
      let error: unknown;
      try {
        toKeyRef(row(over));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("CONFLICT");
      expect((error as AppError).message).toBe("The customer's key is not verified; it cannot be applied.");
    }
  });

  it("the ISV identity is the encryption UAMI and the multi-tenant app it federates into", () => {
    // Without a pool, the one configured identity serves every region.
    expect(isvIdentity("westeurope")).toEqual({
      uamiResourceId: getEnv().CMK_UAMI_RESOURCE_ID,
      federatedClientId: getEnv().CMK_APP_CLIENT_ID,
    });
    expect(getEnv().CMK_UAMI_RESOURCE_ID).toMatch(/\/userAssignedIdentities\/[^/]+$/);
  });

  it("a module's input is the resource as ARM shows it, the verified key, the identity and the cloud", () => {
    const body = { properties: { encryption: { keySource: "Microsoft.Storage" } } };
    const input = buildModuleInput(
      {
        armId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
        region: "westeurope",
      },
      row(),
      body,
    );
    expect(input).toEqual({
      resource: {
        id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
        location: "westeurope",
        body,
      },
      key: toKeyRef(row()),
      identity: isvIdentity("westeurope"),
      cloudName: getCloud().name,
    });
  });
});
