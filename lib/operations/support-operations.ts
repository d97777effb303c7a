import "server-only";
import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Db, Tx } from "@/lib/db/create-db";
import type { IsvResource } from "@/lib/generated/prisma/client";
import type { JobKind } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import type { OperatorRole } from "@/lib/auth/session";
import { readResource } from "@/lib/azure/arm";
import { getCmkModule } from "@/lib/cmk";
import type { ArmWrite, CmkProblem } from "@/lib/cmk/types";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { jobPlanColumn } from "@/lib/jobs/job-columns";
import { createJob, lockJob, transitionJob } from "@/lib/jobs/job-state";
import { sendApplyMessage } from "@/lib/jobs/queues";
import { getVerifiedKey } from "@/lib/keys/verified-key";
import { setResourceState } from "@/lib/resources/resource-state";
import { resourceJobKey } from "./enqueue-apply";
import { checkAndPlan } from "./plan-apply";
import { keyForPlan, serverProtectorRefusal } from "./plan-operation";
import { SERVICE_IMPACT } from "./service-impact";

/** The support operations on one resource, each a job kind run by the same pipeline as "apply". */
export const OPERATIONS = {
  ROTATE: { kind: "ROTATE_KEY", label: "Rotate to the key's newest version" },
  CHANGE_KEY: { kind: "CHANGE_KEY", label: "Change to another key" },
  REVERT: { kind: "REVERT_CMK", label: "Revert to Microsoft-managed keys" },
} as const satisfies Record<string, { kind: JobKind; label: string }>;
export type OperationName = keyof typeof OPERATIONS;

export const operationRequest = z.object({
  resourceId: z.uuid(),
  operation: z.enum(["ROTATE", "CHANGE_KEY", "REVERT"]),
  /** CHANGE_KEY only: the customer whose key the resource moves to (default: its own customer's newest key). */
  targetCustomerName: z.string().trim().max(200).optional(),
  reason: z
    .string()
    .trim()
    .min(10, "Say why, in at least 10 characters: the reason goes to the audit log and the approver.")
    .max(1000, "Keep the reason under 1,000 characters."),
});
export type OperationRequest = z.infer<typeof operationRequest>;

/** The blast radius of one operation: what is written, what it risks, and who must agree. */
export interface OperationPreview {
  operation: OperationName;
  label: string;
  resource: { id: string; name: string; armId: string; kind: IsvResource["kind"]; service: string };
  from: { customer: string | null; keyUri: string | null };
  to: { customerId: string | null; customer: string | null; keyId: string | null; keyUri: string | null };
  steps: ArmWrite[];
  problems: CmkProblem[];
  notes: string[];
  secondsAtBudget: number;
  ifKeyUnreachable: string;
  irreversible: string | null;
  crossCustomer: boolean;
  /** Why a second person (an Admin other than the requester) must approve; empty when none is needed. */
  approvalReasons: string[];
}

/**
 * Plans an operation exactly as the job will run it (the same module plan and check), and says what it
 * touches. Reads Azure (the resource, and for a rotation the key's current version); writes nothing.
 */
export async function previewOperation(
  db: Db,
  input: Omit<OperationRequest, "reason">,
  requester: { roles: readonly OperatorRole[] },
): Promise<OperationPreview> {
  const resource = await db.isvResource.findUnique({
    where: { id: input.resourceId },
    include: { customer: { select: { name: true } }, appliedKey: true },
  });
  if (!resource) throw new AppError("NOT_FOUND", "This resource is not in the inventory.");
  const cmk = getCmkModule(resource.kind);
  const impact = SERVICE_IMPACT[resource.kind];
  const base = {
    operation: input.operation,
    label: OPERATIONS[input.operation].label,
    resource: {
      id: resource.id,
      name: resource.name,
      armId: resource.armId,
      kind: resource.kind,
      service: cmk.label,
    },
    from: { customer: resource.customer?.name ?? null, keyUri: resource.appliedKey?.keyUri ?? null },
    ifKeyUnreachable: impact.ifKeyUnreachable,
    notes: [] as string[],
  };
  const writesTime = (steps: ArmWrite[]) =>
    Math.ceil((steps.length / getEnv().ARM_WRITES_PER_SECOND) * 10) / 10;

  if (input.operation === "REVERT") {
    const steps = impact.revertRefusal
      ? []
      : cmk.planRevert({
          resource: { id: resource.armId, body: await readResource(resource.armId, cmk.apiVersion) },
        });
    const problems: CmkProblem[] = impact.revertRefusal
      ? [{ code: "RevertNotSupported", message: impact.revertRefusal }]
      : [];
    if (!impact.revertRefusal && resource.cmkState === "MICROSOFT_MANAGED")
      problems.push({
        code: "AlreadyMicrosoftManaged",
        message: `${resource.name} already uses Microsoft-managed keys.`,
      });
    else if (resource.kind === "SQL_DATABASE") {
      const refusal = await serverProtectorRefusal(resource.armId);
      if (refusal) problems.push(refusal);
    }
    return {
      ...base,
      to: { customerId: resource.customerId, customer: base.from.customer, keyId: null, keyUri: null },
      steps: problems.length ? [] : steps,
      problems,
      secondsAtBudget: writesTime(steps),
      irreversible: null,
      crossCustomer: false,
      notes: [
        `The customer's key stops protecting ${resource.name}: its data is then encrypted with keys Microsoft manages, and the customer can no longer revoke access to it.`,
      ],
      approvalReasons: approvalReasons(requester.roles, { crossCustomer: false }),
    };
  }

  const targetCustomer = await targetCustomerOf(db, resource, input.targetCustomerName);
  const key = await getVerifiedKey(
    db,
    targetCustomer.id,
    `${targetCustomer.name} has no verified key to move to.`,
  );
  const problems: CmkProblem[] = [];
  const notes: string[] = [];
  if (resource.cmkState !== "APPLIED" && resource.cmkState !== "DRIFTED")
    problems.push({
      code: "NotApplied",
      message: `${resource.name} does not use a customer key now (${resource.cmkState.toLowerCase().replaceAll("_", " ")}); apply one first.`,
    });
  if (input.operation === "ROTATE") {
    if (resource.appliedKeyId !== key.id)
      problems.push({
        code: "NotTheSameKey",
        message: "The customer has handed over a different key since; use Change key.",
      });
    const current = key.latestVersion ?? key.verifiedVersion;
    if (impact.followsVersions && !key.keyVersion) notes.push(impact.followsVersions);
    else if (current && resource.appliedKeyVersion === current)
      notes.push(`${resource.name} already uses version ${current}, the newest the vault reported.`);
  } else if (resource.appliedKeyId === key.id) {
    problems.push({
      code: "SameKey",
      message: `${resource.name} already uses ${key.keyUri}; the customer must hand over a new key first (from their page), or choose another customer.`,
    });
  }
  const planned = problems.length
    ? { problems: [], steps: [] }
    : await checkAndPlan(resource, keyForPlan(key));
  const autoFollows = notes.length > 0;
  const steps = autoFollows ? [] : planned.steps;
  const crossCustomer = targetCustomer.id !== resource.customerId;
  return {
    ...base,
    to: { customerId: targetCustomer.id, customer: targetCustomer.name, keyId: key.id, keyUri: key.keyUri },
    steps,
    problems: [...problems, ...planned.problems],
    notes: [
      ...notes,
      ...(crossCustomer
        ? [
            `${resource.name} moves from ${base.from.customer ?? "no customer"} to ${targetCustomer.name}: ${base.from.customer ?? "the previous customer"}'s key will no longer protect it.`,
          ]
        : []),
    ],
    secondsAtBudget: writesTime(steps),
    irreversible:
      resource.kind === "COSMOS_DB_ACCOUNT"
        ? "Cosmos DB cannot go back to Microsoft-managed keys afterwards; only another key change is possible."
        : null,
    crossCustomer,
    approvalReasons: approvalReasons(requester.roles, { crossCustomer }),
  };
}

async function targetCustomerOf(
  db: Db,
  resource: IsvResource & { customer: { name: string } | null },
  name: string | undefined,
) {
  if (name) {
    const customer = await db.customer.findUnique({
      where: { nameKey: name.toLowerCase() },
      select: { id: true, name: true },
    });
    if (!customer) throw new AppError("NOT_FOUND", `No customer is named "${name}".`);
    return customer;
  }
  if (!resource.customerId || !resource.customer)
    throw new AppError(
      "CONFLICT",
      `${resource.name} belongs to no customer; name the customer whose key it should use.`,
    );
  return { id: resource.customerId, name: resource.customer.name };
}

/**
 * Four eyes: Support may only request; moving a resource to another customer's key needs a second person
 * whoever asks. Operators and Admins run single-resource operations on the same customer themselves.
 */
export function approvalReasons(roles: readonly OperatorRole[], op: { crossCustomer: boolean }): string[] {
  const reasons: string[] = [];
  if (!roles.includes("Operator") && !roles.includes("Admin"))
    reasons.push("Support requests an operation; an Admin runs it after approving.");
  if (op.crossCustomer) reasons.push("It moves the resource to another customer's key.");
  return reasons;
}

/**
 * Requests an operation: the job row with its stored plan (the one previewed), waiting for approval or queued,
 * with the reason and the blast radius in the audit log, in one transaction; then the queue message.
 */
export async function requestOperation(
  db: Db,
  boss: PgBoss,
  input: OperationRequest & { actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  const preview = await previewOperation(db, input, { roles: input.roles });
  if (preview.problems.length)
    throw new AppError("CONFLICT", preview.problems.map((p) => p.message).join(" "));
  if (preview.steps.length === 0)
    throw new AppError(
      "CONFLICT",
      `Nothing to write: ${preview.notes[0] ?? "the resource is already there."}`,
    );
  const needsApproval = preview.approvalReasons.length > 0;
  const job = await db.$transaction(async (tx) => {
    const active = await tx.job.findUnique({ where: { activeKey: resourceJobKey(preview.resource.id) } });
    if (active)
      throw new AppError(
        "CONFLICT",
        `${preview.resource.name} already has an operation in progress (${active.kind.toLowerCase().replaceAll("_", " ")}).`,
      );
    const created = await createJob(tx, {
      kind: OPERATIONS[input.operation].kind,
      state: needsApproval ? "AWAITING_APPROVAL" : "QUEUED",
      activeKey: resourceJobKey(preview.resource.id),
      resourceId: preview.resource.id,
      customerKeyId: preview.to.keyId ?? undefined,
      customerId: preview.to.customerId ?? undefined,
      actor: input.actor,
      reason: input.reason,
      plan: {
        steps: preview.steps,
        operation: input.operation,
        targetCustomerId: preview.to.customerId,
      } as never,
      requestId: input.requestId,
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "operation.requested",
      targetType: "resource",
      targetId: preview.resource.armId,
      customerId: preview.to.customerId ?? undefined,
      details: {
        jobId: created.id,
        operation: input.operation,
        reason: input.reason,
        from: preview.from.keyUri,
        to: preview.to.keyUri,
        writes: preview.steps.length,
        approval: needsApproval ? preview.approvalReasons : null,
      },
      requestId: input.requestId,
    });
    if (!needsApproval)
      await startOperation(
        tx,
        created.id,
        input.operation,
        preview.resource.id,
        input.actor,
        input.requestId,
      );
    return created;
  });
  if (!needsApproval) await sendApplyMessage(db, boss, job.id);
  return { job, preview, needsApproval };
}

/** The resource leaves its steady state when the operation is cleared to run. */
async function startOperation(
  tx: Tx,
  jobId: string,
  operation: OperationName,
  resourceId: string,
  actor: Actor,
  requestId?: string,
) {
  await setResourceState(tx, {
    resourceId,
    to: operation === "REVERT" ? "REVERTING" : "PENDING",
    actor,
    action: operation === "REVERT" ? "cmk.revert_requested" : "cmk.change_requested",
    details: { jobId, operation },
    requestId,
  });
}

/** An Admin other than the requester approves: the job is queued and the resource leaves its steady state. */
export async function approveOperation(
  db: Db,
  boss: PgBoss,
  input: { jobId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  if (!input.roles.includes("Admin"))
    throw new AppError("FORBIDDEN", "Only an Admin can approve an operation.");
  const job = await db.$transaction(async (tx) => {
    // Two Admins approving at once: the second waits for the first's commit here, then finds the job queued.
    await lockJob(tx, input.jobId);
    const job = await tx.job.findUnique({ where: { id: input.jobId } });
    if (!job || !job.resourceId) throw new AppError("NOT_FOUND", "This request does not exist.");
    if (job.state !== "AWAITING_APPROVAL")
      throw new AppError("CONFLICT", "This request is no longer waiting for approval.");
    if (job.requestedBy.toLowerCase() === (input.actor.id ?? "").toLowerCase())
      throw new AppError("FORBIDDEN", "You requested this operation; another Admin must approve it.");
    const operation = jobPlanColumn.read(job.plan)?.operation ?? "CHANGE_KEY";
    await transitionJob(tx, {
      jobId: job.id,
      to: "QUEUED",
      actor: input.actor,
      data: { approvedBy: input.actor.id, approvedAt: new Date() },
      details: { approvedBy: input.actor.id ?? null, requestedBy: job.requestedBy, reason: job.reason },
      requestId: input.requestId,
    });
    await startOperation(tx, job.id, operation, job.resourceId, input.actor, input.requestId);
    return job;
  });
  await sendApplyMessage(db, boss, job.id);
  return job;
}

/** An Admin declines a request; nothing is written to Azure. */
export async function rejectOperation(
  db: Db,
  input: { jobId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  if (!input.roles.includes("Admin"))
    throw new AppError("FORBIDDEN", "Only an Admin can decline an operation.");
  await db.$transaction(async (tx) => {
    const state = await lockJob(tx, input.jobId);
    if (!state) throw new AppError("NOT_FOUND", "This request does not exist.");
    if (state !== "AWAITING_APPROVAL")
      throw new AppError("CONFLICT", "This request is no longer waiting for approval.");
    await transitionJob(tx, {
      jobId: input.jobId,
      to: "CANCELLED",
      actor: input.actor,
      details: { declinedBy: input.actor.id ?? null },
      requestId: input.requestId,
    });
  });
}

/** Requests waiting for a second person, oldest first, a page at a time. */
export async function findPendingApprovals(db: Db, input: { cursor?: string } = {}) {
  const rows = await db.job.findMany({
    where: { state: "AWAITING_APPROVAL" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 51,
    ...(input.cursor && { cursor: { id: input.cursor }, skip: 1 }),
    include: {
      resource: { select: { name: true, kind: true, armId: true, customer: { select: { name: true } } } },
    },
  });
  const page = rows.slice(0, 50);
  // The key each change-key request moves to, with its customer, for the approver to read.
  const keyIds = page.flatMap((r) => (r.customerKeyId ? [r.customerKeyId] : []));
  const keys = keyIds.length
    ? await db.customerKey.findMany({
        where: { id: { in: keyIds } },
        select: { id: true, keyUri: true, customer: { select: { name: true } } },
      })
    : [];
  return {
    rows: page,
    keys: new Map(keys.map((k) => [k.id, k])),
    next: rows.length > 50 ? rows[49]?.id : undefined,
  };
}
