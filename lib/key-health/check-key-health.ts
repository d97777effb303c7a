import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerKey } from "@/lib/generated/prisma/client";
import { evictCustomerTenantCredential } from "@/lib/azure/credentials";
import { getCustomerKeyClient } from "@/lib/azure/key-vault";
import { getCmkModule } from "@/lib/cmk";
import type { ObservedCmk } from "@/lib/cmk/types";
import { verifyCustomerKeyFreshOnRefusal } from "@/lib/keys/verify/verify-customer-key";
import type { VerificationResult } from "@/lib/keys/verify/types";
import { readBack } from "@/lib/operations/read-back";
import { toKeyRef } from "@/lib/operations/module-input";

/** Resources read per key and check: the resource side of a check stays bounded however many use one key. */
export const RESOURCES_PER_CHECK = 200;

export interface ObservedResource {
  id: string;
  name: string;
  cmkState: string;
  /** Null when ARM could not be read this time (then nothing is concluded about the resource). */
  observed: ObservedCmk | null;
  readError?: string;
}

export interface KeyHealthProbe {
  verification: VerificationResult;
  latestVersion: string | null;
  resources: ObservedResource[];
}

/**
 * Looks at one key the way Azure services will: the federated chain into the customer's tenant, the key
 * itself (readable, enabled, not expired, wrap/unwrap), the version the vault now calls current, and each
 * resource's own view of which key and version it uses. Reads only; recordKeyHealth stores the outcome.
 */
export async function probeKeyHealth(
  db: Db,
  key: CustomerKey & { spObjectId: string },
  options: { freshToken?: boolean } = {},
): Promise<KeyHealthProbe> {
  const target = {
    uri: key.keyUri,
    vaultUri: `https://${key.vaultHost}`,
    vaultName: key.vaultHost.split(".")[0] ?? key.vaultHost,
    vaultKind: key.vaultKind,
    keyName: key.keyName,
    keyVersion: key.keyVersion,
  };
  // Scheduled checks reuse the tenant's token while it lasts (at most one exchange per tenant per hour), so
  // a deleted service principal shows within that hour; an operator's "check now" proves it afresh.
  if (options.freshToken) evictCustomerTenantCredential(key.tenantId);
  const verification = await verifyCustomerKeyFreshOnRefusal({
    tenantId: key.tenantId,
    spObjectId: key.spObjectId,
    inPropagationWindow: false,
    key: target,
  });
  let latestVersion = verification.facts && !key.keyVersion ? verification.facts.version : null;
  if (verification.outcome === "verified" && key.keyVersion) {
    const current = await getCustomerKeyClient(key.tenantId, target.vaultUri).getKey(key.keyName);
    latestVersion = current.properties.version ?? null;
  }
  return { verification, latestVersion, resources: await observeResources(db, key) };
}

async function observeResources(db: Db, key: CustomerKey): Promise<ObservedResource[]> {
  const resources = await db.isvResource.findMany({
    where: { appliedKeyId: key.id, cmkState: { in: ["APPLIED", "DRIFTED"] } },
    orderBy: { id: "asc" },
    take: RESOURCES_PER_CHECK,
    select: { id: true, name: true, armId: true, kind: true, cmkState: true },
  });
  const expected = key.verificationStatus === "VERIFIED" && key.verifiedVersion ? toKeyRef(key) : undefined;
  const out: ObservedResource[] = [];
  for (const r of resources) {
    try {
      out.push({ ...r, observed: await readBack(getCmkModule(r.kind), r.armId, expected) });
    } catch (error) {
      out.push({ ...r, observed: null, readError: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}
