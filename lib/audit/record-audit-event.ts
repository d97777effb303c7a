import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActorType } from "@/lib/generated/prisma/enums";

/** Who did something: an operator, a customer's admin, the app itself, or someone unauthenticated. */
export interface Actor {
  type: ActorType;
  id?: string;
  role?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", id: "crosskey" };

export interface AuditInput {
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string;
  customerId?: string;
  onboardingId?: string;
  outcome?: "success" | "denied" | "failure";
  details?: Prisma.InputJsonValue;
  requestId?: string;
}

/** Appends one audit event. Call it with the same transaction client as the change it records. */
export async function recordAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorType: input.actor.type,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      customerId: input.customerId,
      onboardingId: input.onboardingId,
      outcome: input.outcome ?? "success",
      details: input.details,
      requestId: input.requestId,
    },
  });
}
