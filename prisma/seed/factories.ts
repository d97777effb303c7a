import type { Db } from "../../lib/db/create-db";
import type { ResourceKind } from "../../lib/generated/prisma/enums";
import { createCustomerInvite } from "../../lib/onboarding/create-customer-invite";
import { revokeInvite } from "../../lib/onboarding/manage-invite";
import { transitionOnboarding } from "../../lib/onboarding/state-machine";

/**
 * Seed factories shared by the demo data and the tests. They go through the same domain functions as the
 * app, so seeded rows carry their audit events like real ones.
 */
export const SEED_ACTOR = { type: "OPERATOR" as const, id: "seed@crosskey.local", role: "Admin" };

export async function seedCustomerInvite(
  db: Db,
  input: {
    name: string;
    contactEmail?: string;
    pinnedTenant?: string;
    services?: ResourceKind[];
    ttlDays?: number;
    revoked?: boolean;
  },
) {
  const created = await createCustomerInvite(db, {
    customerName: input.name,
    contactEmail: input.contactEmail,
    pinnedTenant: input.pinnedTenant,
    services: input.services ?? ["STORAGE_ACCOUNT", "COSMOS_DB_ACCOUNT", "DISK_ENCRYPTION_SET", "SQL_SERVER"],
    actor: SEED_ACTOR,
    ttlDays: input.ttlDays ?? 14,
  });
  if (input.revoked) await revokeInvite(db, { inviteId: created.invite.id, actor: SEED_ACTOR });
  return created;
}

export async function seedIsvResource(
  db: Db,
  input: { armId: string; kind: ResourceKind; region: string; customerId?: string },
) {
  const parts = input.armId.split("/");
  return db.isvResource.create({
    data: {
      armId: input.armId,
      armIdKey: input.armId.toLowerCase(),
      kind: input.kind,
      name: parts.at(-1) ?? input.armId,
      subscriptionId: parts[2] ?? "",
      resourceGroup: parts[4] ?? "",
      region: input.region,
      customerId: input.customerId,
    },
  });
}

/**
 * A customer whose admin has already consented and handed over a key (the demo's "Woodgrove Bank"): the
 * onboarding walks the real state machine, and the key waits for the worker's verification like any other.
 */
export async function seedOnboardedCustomer(
  db: Db,
  input: {
    name: string;
    tenantId: string;
    adminUpn: string;
    spObjectId: string;
    keyUri: string;
    vaultHost: string;
    keyName: string;
  },
) {
  const created = await seedCustomerInvite(db, { name: input.name, pinnedTenant: input.tenantId });
  const customer = { type: "CUSTOMER" as const, id: input.adminUpn };
  const key = await db.$transaction(async (tx) => {
    const id = created.onboarding.id;
    await transitionOnboarding(tx, {
      onboardingId: id,
      to: "SIGNED_IN",
      actor: customer,
      action: "customer.signed_in",
      data: { tenantId: input.tenantId, signedInUserUpn: input.adminUpn },
    });
    await transitionOnboarding(tx, {
      onboardingId: id,
      to: "CONSENTED",
      actor: customer,
      action: "consent.granted",
      data: { consentedAt: new Date(), servicePrincipalObjectId: input.spObjectId },
    });
    const key = await tx.customerKey.create({
      data: {
        customerId: created.customer.id,
        onboardingId: id,
        tenantId: input.tenantId,
        keyUri: input.keyUri,
        vaultHost: input.vaultHost,
        vaultKind: "VAULT",
        keyName: input.keyName,
        submittedBy: input.adminUpn,
        verificationStatus: "VERIFYING",
      },
    });
    await transitionOnboarding(tx, {
      onboardingId: id,
      to: "KEY_SUBMITTED",
      actor: customer,
      action: "key.submitted",
      details: { keyId: key.id, keyUri: input.keyUri },
    });
    return key;
  });
  return { ...created, key };
}
