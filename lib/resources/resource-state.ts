import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CmkState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import type { ObservedCmk } from "@/lib/cmk/types";
import { AppError } from "@/lib/errors";
import { observedColumn } from "./resource-columns";

/** Encryption state of an ISV resource. The only writer of IsvResource.cmkState. */
const TRANSITIONS: Record<CmkState, readonly CmkState[]> = {
  MICROSOFT_MANAGED: ["PENDING", "APPLIED", "DRIFTED", "FAILED"],
  PENDING: ["APPLYING", "FAILED", "MICROSOFT_MANAGED", "APPLIED"],
  APPLYING: ["APPLIED", "FAILED", "PENDING", "DRIFTED"],
  APPLIED: ["PENDING", "DRIFTED", "REVERTING", "FAILED", "APPLIED", "MICROSOFT_MANAGED"],
  DRIFTED: ["PENDING", "APPLIED", "FAILED", "MICROSOFT_MANAGED"],
  FAILED: ["PENDING", "APPLYING", "APPLIED", "DRIFTED", "MICROSOFT_MANAGED"],
  REVERTING: ["MICROSOFT_MANAGED", "FAILED"],
};

/**
 * The state a resource enters the inventory with, from what ARM shows: a key Crosskey did not apply is DRIFTED
 * (nothing here knows it was meant), anything else is taken as read.
 */
export function initialResourceState(observed: ObservedCmk): CmkState {
  return observed.state === "APPLIED" ? "DRIFTED" : observed.state;
}

/** Adds a resource to the inventory in its initial state. Creating is not a transition; the caller audits it. */
export async function createResource(
  tx: Tx,
  input: {
    data: Omit<Prisma.IsvResourceUncheckedCreateInput, "cmkState" | "cmkStateChangedAt" | "observed">;
    observed: ObservedCmk;
  },
) {
  return tx.isvResource.create({
    data: {
      ...input.data,
      cmkState: initialResourceState(input.observed),
      observed: observedColumn.write(input.observed),
    },
  });
}

export function canMoveResource(from: CmkState, to: CmkState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export async function setResourceState(
  tx: Tx,
  input: {
    resourceId: string;
    to: CmkState;
    actor: Actor;
    action: string;
    data?: Omit<Prisma.IsvResourceUncheckedUpdateInput, "cmkState" | "cmkStateChangedAt">;
    details?: Prisma.InputJsonValue;
    outcome?: "success" | "failure";
    requestId?: string;
  },
) {
  const current = await tx.isvResource.findUnique({ where: { id: input.resourceId } });
  if (!current) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
  if (!canMoveResource(current.cmkState, input.to)) {
    throw new AppError(
      "CONFLICT",
      `The resource is ${current.cmkState.toLowerCase().replace("_", " ")}; it cannot become ${input.to.toLowerCase()} from there.`,
    );
  }
  const updated = await tx.isvResource.update({
    where: { id: current.id },
    data: {
      ...input.data,
      cmkState: input.to,
      ...(current.cmkState !== input.to && { cmkStateChangedAt: new Date() }),
    },
  });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: input.action,
    targetType: "resource",
    targetId: current.armId,
    customerId: updated.customerId ?? current.customerId ?? undefined,
    outcome: input.outcome,
    details: {
      from: current.cmkState,
      to: input.to,
      ...(typeof input.details === "object" && input.details !== null && !Array.isArray(input.details)
        ? input.details
        : {}),
    },
    requestId: input.requestId,
  });
  return updated;
}
