import "server-only";
import type { CustomerKey, IsvResource } from "@/lib/generated/prisma/client";
import type { CmkIdentity, CmkInput, CmkKeyRef } from "@/lib/cmk/types";
import { keyTargetOf } from "@/lib/keys/key-target";
import { getCloud, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getEncryptionIdentities, pickEncryptionIdentity } from "@/lib/identity/encryption-identities";

/** The verified customer key as the resource modules take it. */
export function toKeyRef(key: CustomerKey): CmkKeyRef {
  if (key.verificationStatus !== "VERIFIED" || !key.verifiedVersion) {
    throw new AppError("CONFLICT", "The customer's key is not verified; it cannot be applied.");
  }
  const { uri, ...target } = keyTargetOf(key);
  return {
    ...target,
    keyUri: uri,
    verifiedVersion: key.verifiedVersion,
    keyType: key.keyType ?? "RSA",
    keySize: key.keySize,
    tenantId: key.tenantId,
  };
}

/**
 * The ISV's encryption identity for a resource in `region`: the UAMI set on it (the pool member serving that
 * region, lib/identity/encryption-identities.ts) and the multi-tenant app it federates into.
 */
export function isvIdentity(region: string): CmkIdentity {
  const env = getEnv();
  const identity = pickEncryptionIdentity(getEncryptionIdentities(env), region);
  return { uamiResourceId: identity.resourceId, federatedClientId: env.CMK_APP_CLIENT_ID };
}

/** What a resource module's check() and plan() take: the resource as ARM shows it now, the key, the identity. */
export function buildModuleInput(
  resource: Pick<IsvResource, "armId" | "region">,
  key: CustomerKey,
  body: unknown,
): CmkInput {
  return {
    resource: { id: resource.armId, location: resource.region, body },
    key: toKeyRef(key),
    identity: isvIdentity(resource.region),
    cloudName: getCloud().name,
  };
}
