import type { CustomerKey } from "@/lib/generated/prisma/client";
import type { CmkIdentity, CmkKeyRef } from "@/lib/cmk/types";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** The verified customer key as the resource modules take it. */
export function toKeyRef(key: CustomerKey): CmkKeyRef {
  if (key.verificationStatus !== "VERIFIED" || !key.verifiedVersion) {
    throw new AppError("CONFLICT", "The customer's key is not verified; it cannot be applied.");
  }
  return {
    keyUri: key.keyUri,
    vaultUri: `https://${key.vaultHost}`,
    vaultName: key.vaultHost.split(".")[0] ?? key.vaultHost,
    keyName: key.keyName,
    keyVersion: key.keyVersion,
    verifiedVersion: key.verifiedVersion,
    keyType: key.keyType ?? "RSA",
    keySize: key.keySize,
    vaultKind: key.vaultKind,
    tenantId: key.tenantId,
  };
}

/** The ISV's encryption identity: the UAMI set on resources and the multi-tenant app it federates into. */
export function isvIdentity(): CmkIdentity {
  const env = getEnv();
  return { uamiResourceId: env.CMK_UAMI_RESOURCE_ID, federatedClientId: env.CMK_APP_CLIENT_ID };
}
