import { describe, expect, it } from "vitest";
import type { CustomerKey } from "../../../lib/generated/prisma/client";
import { AppError } from "../../../lib/errors";
import { toKeyRef } from "../../../lib/operations/module-input";

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
});
