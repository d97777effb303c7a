import type { PrismaClient } from "../../lib/generated/prisma/client";
import type { OnboardingState, ResourceKind } from "../../lib/generated/prisma/enums";
import { generateInviteToken, hashToken } from "../../lib/auth/invite-token";

/** Seed factories shared by the demo data and the tests. Each returns what it created. */

const DAY_MS = 86_400_000;

export async function createCustomer(
  db: PrismaClient,
  input: { name: string; contactEmail?: string; createdBy?: string },
) {
  return db.customer.create({
    data: {
      name: input.name,
      nameKey: input.name.trim().toLowerCase(),
      contactEmail: input.contactEmail,
      createdBy: input.createdBy ?? "seed",
    },
  });
}

export async function createInviteWithOnboarding(
  db: PrismaClient,
  input: {
    customerId: string;
    pinnedTenant?: string;
    services?: ResourceKind[];
    expiresInDays?: number;
    state?: OnboardingState;
    tenantId?: string;
    tenantDisplayName?: string;
    createdBy?: string;
  },
) {
  const token = generateInviteToken();
  const invite = await db.invite.create({
    data: {
      customerId: input.customerId,
      tokenHash: hashToken(token),
      pinnedTenant: input.pinnedTenant,
      services: input.services ?? [
        "STORAGE_ACCOUNT",
        "COSMOS_DB_ACCOUNT",
        "DISK_ENCRYPTION_SET",
        "SQL_SERVER",
      ],
      expiresAt: new Date(Date.now() + (input.expiresInDays ?? 14) * DAY_MS),
      createdBy: input.createdBy ?? "seed",
      onboarding: {
        create: {
          customerId: input.customerId,
          state: input.state ?? "INVITED",
          tenantId: input.tenantId,
          tenantDisplayName: input.tenantDisplayName,
        },
      },
    },
    include: { onboarding: true },
  });
  return { token, invite, onboarding: invite.onboarding! };
}

export async function createIsvResource(
  db: PrismaClient,
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
