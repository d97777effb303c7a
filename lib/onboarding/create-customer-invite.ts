import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { Prisma } from "@/lib/generated/prisma/client";
import { ResourceKind } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { generateInviteToken, hashToken } from "@/lib/auth/invite-token";
import { AppError } from "@/lib/errors";

const DAY_MS = 86_400_000;

/** A tenant GUID or a DNS domain the customer's tenant has verified. */
export const tenantPinSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/,
    "Enter a tenant ID (GUID) or a domain such as contoso.com",
  );

export const createInviteSchema = z.object({
  customerName: z
    .string()
    .trim()
    .min(2, "Give the customer a name")
    .max(200, "Keep the name under 200 characters"),
  contactEmail: z
    .email("Enter a valid email address")
    .max(320)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  pinnedTenant: tenantPinSchema.optional().or(z.literal("").transform(() => undefined)),
  services: z.array(z.enum(ResourceKind)).max(4).default([]),
});
export type CreateInviteInput = z.infer<typeof createInviteSchema>;

/**
 * Creates a customer and its first invite in one transaction, with the audit event. The token is returned
 * once, for the operator to send; only its hash is kept.
 */
export async function createCustomerInvite(
  db: Db,
  input: CreateInviteInput & { actor: Actor; ttlDays: number; requestId?: string },
) {
  const token = generateInviteToken();
  const taken = () =>
    new AppError("CONFLICT", `A customer named "${input.customerName}" already exists.`, {
      details: { field: "customerName" },
    });
  try {
    return await db.$transaction(async (tx) => {
      // Asked first so that a taken name is a field error, not a failed INSERT in the database's log.
      const existing = await tx.customer.findUnique({
        where: { nameKey: input.customerName.toLowerCase() },
        select: { id: true },
      });
      if (existing) throw taken();
      const customer = await tx.customer.create({
        data: {
          name: input.customerName,
          nameKey: input.customerName.toLowerCase(),
          contactEmail: input.contactEmail,
          createdBy: input.actor.id ?? "unknown",
        },
      });
      const invite = await tx.invite.create({
        data: {
          customerId: customer.id,
          tokenHash: hashToken(token),
          pinnedTenant: input.pinnedTenant,
          services: input.services,
          expiresAt: new Date(Date.now() + input.ttlDays * DAY_MS),
          createdBy: input.actor.id ?? "unknown",
          onboarding: { create: { customerId: customer.id } },
        },
        include: { onboarding: true },
      });
      await recordAuditEvent(tx, {
        actor: input.actor,
        action: "invite.created",
        targetType: "invite",
        targetId: invite.id,
        customerId: customer.id,
        onboardingId: invite.onboarding!.id,
        details: {
          customerName: customer.name,
          pinnedTenant: input.pinnedTenant ?? null,
          services: input.services,
          expiresAt: invite.expiresAt.toISOString(),
        },
        requestId: input.requestId,
      });
      return { customer, invite, onboarding: invite.onboarding!, token };
    });
  } catch (error) {
    // Two operators creating the same name at the same moment: the unique index decides.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw taken();
    throw error;
  }
}
