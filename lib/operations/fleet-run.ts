import "server-only";
import type { PgBoss } from "pg-boss";
import { z } from "zod";
import type { Db, Tx } from "@/lib/db/create-db";
import type { CustomerKey, OperationRun, Prisma } from "@/lib/generated/prisma/client";
import { CmkState, JobState, ResourceKind, type RunState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, SYSTEM_ACTOR, withAuditAtEnd, type Actor } from "@/lib/audit/record-audit-event";
import type { OperatorRole } from "@/lib/auth/session";
import { getCmkModule } from "@/lib/cmk";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createJob, transitionJob } from "@/lib/jobs/job-state";
import { sendApplyMessage, sendFleetRunBatch } from "@/lib/jobs/queues";
import { acceptReplacementKey, retireReplacementKey } from "@/lib/keys/replacement-key";
import { findVerifiedKey, getVerifiedKey } from "@/lib/keys/verified-key";
import { resourceJobKey } from "./enqueue-apply";
import { serverProtectorRefusal } from "./plan-operation";
import { SERVICE_IMPACT } from "./service-impact";
import { OPERATIONS, type OperationName } from "./support-operations";

/** Resources a batch takes at once, and the most jobs of one run queued or running at a time. */
export const RUN_BATCH = 50;
export const RUN_WINDOW = 200;
/** How soon a run looks again for room in its window. */
const REFILL_SECONDS = 1;

/** Which resources a fleet run touches; every field narrows it. */
export const fleetSelection = z
  .object({
    customerId: z.uuid().optional(),
    kind: z.enum(ResourceKind).optional(),
    subscriptionId: z.uuid().optional(),
    cmkState: z.enum(CmkState).optional(),
    keyId: z.uuid().optional(),
  })
  .strict();
export type FleetSelection = z.infer<typeof fleetSelection>;

export const fleetRunRequest = z.object({
  operation: z.enum(["ROTATE", "CHANGE_KEY", "REVERT"]),
  selection: fleetSelection,
  /** CHANGE_KEY only: every selected resource moves to this customer's verified key. */
  targetCustomerId: z.uuid().optional(),
  reason: z
    .string()
    .trim()
    .min(10, "Say why, in at least 10 characters: the reason goes to the audit log and the approver.")
    .max(1000, "Keep the reason under 1,000 characters."),
});
export type FleetRunRequest = z.infer<typeof fleetRunRequest>;

/** What the console calls a customer's hand-over run (a CHANGE_KEY run with `targetKeyId`). */
export const HANDOVER_LABEL = "Customer's replacement key";

/** ARM writes one resource needs, by service and operation (the modules' plans: SQL writes the key, then the protector). */
const WRITES: Record<ResourceKind, { change: number; revert: number }> = {
  STORAGE_ACCOUNT: { change: 1, revert: 1 },
  COSMOS_DB_ACCOUNT: { change: 1, revert: 0 },
  DISK_ENCRYPTION_SET: { change: 1, revert: 0 },
  SQL_SERVER: { change: 2, revert: 1 },
  // A database's revert is one POST (Azure's encryption-protector revert).
  SQL_DATABASE: { change: 1, revert: 1 },
};

function selectionWhere(selection: FleetSelection): Prisma.IsvResourceWhereInput {
  return {
    ...(selection.customerId && { customerId: selection.customerId }),
    ...(selection.kind && { kind: selection.kind }),
    ...(selection.subscriptionId && { subscriptionId: selection.subscriptionId }),
    ...(selection.cmkState && { cmkState: selection.cmkState }),
    ...(selection.keyId && { appliedKeyId: selection.keyId }),
  };
}

/** Services that cannot go back to Microsoft-managed keys; those that follow key versions by themselves. */
const NO_REVERT = Object.values(ResourceKind).filter((k) => SERVICE_IMPACT[k].revertRefusal);
const FOLLOWS_VERSIONS = Object.values(ResourceKind).filter((k) => SERVICE_IMPACT[k].followsVersions);

/**
 * The resources of the selection the operation can act on: a customer key in use (rotate, change) or one the
 * service lets go of (revert); a rotation leaves out services that follow a versionless key by themselves.
 */
export function eligibleWhere(
  operation: OperationName,
  selection: FleetSelection,
  targetKeyId?: string,
): Prisma.IsvResourceWhereInput {
  const base = selectionWhere(selection);
  if (operation === "REVERT")
    return { AND: [base, { cmkState: { in: ["APPLIED", "DRIFTED"] } }, { kind: { notIn: NO_REVERT } }] };
  const inUse: Prisma.IsvResourceWhereInput = {
    cmkState: { in: ["APPLIED", "DRIFTED"] },
    customerId: { not: null },
  };
  // A resource already on the target key has nothing to change.
  if (operation === "CHANGE_KEY")
    return { AND: [base, inUse, ...(targetKeyId ? [{ NOT: { appliedKeyId: targetKeyId } }] : [])] };
  return {
    AND: [
      base,
      inUse,
      { appliedKeyId: { not: null } },
      { NOT: { kind: { in: FOLLOWS_VERSIONS }, appliedKey: { is: { keyVersion: null } } } },
    ],
  };
}

/** The aggregate blast radius of a fleet run: what it touches, writes, risks and who must agree. */
export interface FleetPreview {
  operation: OperationName;
  label: string;
  total: number;
  groups: { service: string; kind: ResourceKind; customer: string; count: number; writes: number }[];
  excluded: { service: string; count: number; why: string }[];
  /**
   * Resources the run takes whose first step refuses, writing nothing, as the single-resource preview refuses
   * them: SQL databases whose server's protector is a customer key (a revert).
   */
  refused: { service: string; count: number; why: string }[];
  writes: number;
  /** The slowest subscription's writes at the per-subscription budget (subscriptions run side by side). */
  secondsAtBudget: number;
  subscriptions: number;
  ifKeyUnreachable: { service: string; words: string }[];
  irreversible: string[];
  target: { customerId: string; customer: string; keyUri: string } | null;
  crossCustomer: number;
  approvalReasons: string[];
}

/** Counts and plans the run from aggregates (GROUP BY), never loading the selected resources. */
export async function previewFleetRun(
  db: Db,
  input: Omit<FleetRunRequest, "reason"> & { targetKeyId?: string },
  requester: { roles: readonly OperatorRole[] },
): Promise<FleetPreview> {
  let target: FleetPreview["target"] = null;
  let targetKeyId: string | undefined;
  if (input.operation === "CHANGE_KEY" && input.targetKeyId) {
    // A customer's hand-over: the replacement key it names, offered (PROPOSED) or accepted since (ACTIVE).
    const key = await db.customerKey.findFirst({
      where: {
        id: input.targetKeyId,
        customerId: input.targetCustomerId,
        verificationStatus: "VERIFIED",
        status: { in: ["PROPOSED", "ACTIVE"] },
      },
      include: { customer: { select: { name: true } } },
    });
    if (!key)
      throw new AppError(
        "CONFLICT",
        "The customer's replacement key is no longer on offer: they handed over another one.",
      );
    target = { customerId: key.customerId, customer: key.customer.name, keyUri: key.keyUri };
    targetKeyId = key.id;
  } else if (input.operation === "CHANGE_KEY") {
    if (!input.targetCustomerId)
      throw new AppError(
        "BAD_REQUEST",
        "Choose the customer whose key the resources move to (their own customer, for a replacement key).",
      );
    const customer = await db.customer.findUnique({
      where: { id: input.targetCustomerId },
      select: { id: true, name: true },
    });
    if (!customer) throw new AppError("NOT_FOUND", "That customer does not exist.");
    const key = await getVerifiedKey(db, customer.id, `${customer.name} has no verified key to move to.`);
    target = { customerId: customer.id, customer: customer.name, keyUri: key.keyUri };
    targetKeyId = key.id;
  }
  const where = eligibleWhere(input.operation, input.selection, targetKeyId);
  const [grouped, bySubscription, all] = await Promise.all([
    db.isvResource.groupBy({ by: ["kind", "customerId"], where, _count: { _all: true } }),
    db.isvResource.groupBy({ by: ["subscriptionId", "kind"], where, _count: { _all: true } }),
    db.isvResource.groupBy({ by: ["kind"], where: selectionWhere(input.selection), _count: { _all: true } }),
  ]);
  const customerIds = [...new Set(grouped.flatMap((g) => (g.customerId ? [g.customerId] : [])))];
  const names = new Map(
    (
      await db.customer.findMany({
        where: { id: { in: customerIds.slice(0, 200) } },
        select: { id: true, name: true },
      })
    ).map((c) => [c.id, c.name]),
  );
  const perResource = (kind: ResourceKind) =>
    input.operation === "REVERT" ? WRITES[kind].revert : WRITES[kind].change;
  const groups = grouped
    .map((g) => ({
      kind: g.kind,
      service: getCmkModule(g.kind).label,
      customer: g.customerId ? (names.get(g.customerId) ?? "another customer") : "unassigned",
      count: g._count._all,
      writes: g._count._all * perResource(g.kind),
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.customer.localeCompare(b.customer));
  const total = groups.reduce((n, g) => n + g.count, 0);
  const writes = groups.reduce((n, g) => n + g.writes, 0);
  const perSubscription = new Map<string, number>();
  for (const g of bySubscription)
    perSubscription.set(
      g.subscriptionId,
      (perSubscription.get(g.subscriptionId) ?? 0) + g._count._all * perResource(g.kind),
    );
  const slowest = Math.max(0, ...perSubscription.values());
  const eligibleByKind = new Map<ResourceKind, number>();
  for (const g of groups) eligibleByKind.set(g.kind, (eligibleByKind.get(g.kind) ?? 0) + g.count);
  const excluded = all
    .map((g) => ({ kind: g.kind, count: g._count._all - (eligibleByKind.get(g.kind) ?? 0) }))
    .filter((g) => g.count > 0)
    .map((g) => ({
      service: getCmkModule(g.kind).label,
      count: g.count,
      why: exclusionReason(input.operation, g.kind),
    }));
  const kinds = [...new Set(groups.map((g) => g.kind))];
  const refused =
    input.operation === "REVERT" && kinds.includes("SQL_DATABASE")
      ? await refusedDatabaseReverts(db, where)
      : [];
  const refusedWrites = refused.reduce((n, r) => n + r.writes, 0);
  const crossCustomer = target
    ? grouped.filter((g) => g.customerId !== target.customerId).reduce((n, g) => n + g._count._all, 0)
    : 0;
  const approvalReasons: string[] = [];
  if (total > 1) approvalReasons.push(`It touches ${total} resources at once.`);
  if (crossCustomer > 0)
    approvalReasons.push(`It moves ${crossCustomer} resource(s) to another customer's key.`);
  if (!requester.roles.includes("Operator") && !requester.roles.includes("Admin"))
    approvalReasons.push("Support requests an operation; an Admin runs it after approving.");
  return {
    operation: input.operation,
    label: OPERATIONS[input.operation].label,
    total,
    groups,
    excluded,
    refused: refused.map(({ service, count, why }) => ({ service, count, why })),
    writes: writes - refusedWrites,
    secondsAtBudget:
      Math.ceil((Math.max(0, slowest - refusedWrites) / getEnv().ARM_WRITES_PER_SECOND) * 10) / 10,
    subscriptions: perSubscription.size,
    ifKeyUnreachable:
      input.operation === "REVERT"
        ? []
        : kinds.map((k) => ({ service: getCmkModule(k).label, words: SERVICE_IMPACT[k].ifKeyUnreachable })),
    irreversible:
      input.operation !== "REVERT" && kinds.includes("COSMOS_DB_ACCOUNT")
        ? [
            "Cosmos DB accounts cannot go back to Microsoft-managed keys afterwards; only another key change is possible.",
          ]
        : [],
    target,
    crossCustomer,
    approvalReasons,
  };
}

/** Servers whose protector a fleet preview reads at most; the jobs check every server anyway. */
const MAX_SERVERS_CHECKED = 50;

/**
 * A database's revert goes back to its server's protector, which Azure allows only while that protector is
 * service-managed: the preview reads each server of the selected databases once (as the single-resource preview
 * does) and counts the databases it would refuse. The databases are walked a page at a time; only their
 * servers are kept.
 */
async function refusedDatabaseReverts(db: Db, where: Prisma.IsvResourceWhereInput) {
  const servers = new Map<string, { count: number; databaseArmId: string }>();
  let cursor: string | undefined;
  for (;;) {
    const page = await db.isvResource.findMany({
      where: { AND: [where, { kind: "SQL_DATABASE" }, ...(cursor ? [{ id: { gt: cursor } }] : [])] },
      orderBy: { id: "asc" },
      take: 1000,
      select: { id: true, armId: true },
    });
    for (const r of page) {
      const server = r.armId.replace(/\/databases\/[^/]+$/i, "").toLowerCase();
      const seen = servers.get(server);
      if (seen) seen.count += 1;
      else servers.set(server, { count: 1, databaseArmId: r.armId });
    }
    if (page.length < 1000) break;
    cursor = page.at(-1)!.id;
  }
  const service = getCmkModule("SQL_DATABASE").label;
  const refused: { service: string; count: number; why: string; writes: number }[] = [];
  const all = [...servers.values()];
  for (const server of all.slice(0, MAX_SERVERS_CHECKED)) {
    const refusal = await serverProtectorRefusal(server.databaseArmId);
    if (refusal)
      refused.push({
        service,
        count: server.count,
        why: refusal.message,
        writes: server.count * WRITES.SQL_DATABASE.revert,
      });
  }
  const unchecked = all.slice(MAX_SERVERS_CHECKED).reduce((n, s) => n + s.count, 0);
  if (unchecked > 0)
    refused.push({
      service,
      count: unchecked,
      why: `Not checked here (their servers are more than ${MAX_SERVERS_CHECKED}): each of these databases' jobs reads its server's protector first and refuses, writing nothing, if it is a customer key.`,
      writes: 0,
    });
  return refused;
}

function exclusionReason(operation: OperationName, kind: ResourceKind): string {
  const impact = SERVICE_IMPACT[kind];
  if (operation === "REVERT" && impact.revertRefusal) return impact.revertRefusal;
  if (operation === "REVERT") return "Not on a customer key now: nothing to revert.";
  if (operation === "ROTATE" && impact.followsVersions)
    return `Not on a customer key now, or following a versionless key by itself: ${impact.followsVersions}`;
  return "Not on a customer key now: apply one first.";
}

/** Where a run may go next; every move is recorded with its audit event. */
const RUN_TRANSITIONS: Record<RunState, readonly RunState[]> = {
  AWAITING_APPROVAL: ["RUNNING", "DECLINED"],
  RUNNING: ["PAUSED", "CANCELLING", "FINISHED"],
  PAUSED: ["RUNNING", "CANCELLING"],
  CANCELLING: ["CANCELLED"],
  CANCELLED: [],
  FINISHED: [],
  DECLINED: [],
};

/** Locks the run's row for the rest of the transaction: batches, pause, resume and cancel take turns on it. */
async function lockRun(tx: Tx, runId: string, mode: "UPDATE" | "SHARE" = "UPDATE"): Promise<OperationRun> {
  const locked =
    mode === "UPDATE"
      ? await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM "OperationRun" WHERE id = ${runId}::uuid FOR UPDATE`
      : await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM "OperationRun" WHERE id = ${runId}::uuid FOR SHARE`;
  if (locked.length === 0) throw new AppError("NOT_FOUND", "This run does not exist.");
  return tx.operationRun.findUniqueOrThrow({ where: { id: runId } });
}

async function moveRun(
  tx: Tx,
  run: OperationRun,
  input: {
    to: RunState;
    actor: Actor;
    data?: Prisma.OperationRunUpdateInput;
    details?: Record<string, Prisma.InputJsonValue | null>;
    requestId?: string;
  },
) {
  if (!RUN_TRANSITIONS[run.state].includes(input.to))
    throw new AppError(
      "CONFLICT",
      `The run is ${words(run.state)}; it cannot become ${words(input.to)} from there.`,
    );
  const finished = input.to === "CANCELLED" || input.to === "FINISHED" || input.to === "DECLINED";
  await tx.operationRun.update({
    where: { id: run.id },
    data: { ...input.data, state: input.to, ...(finished && { finishedAt: new Date() }) },
  });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: `run.${input.to.toLowerCase()}`,
    targetType: "run",
    targetId: run.id,
    customerId: selectionOf(run).customerId,
    details: { operation: run.operation, from: run.state, to: input.to, ...input.details },
    requestId: input.requestId,
  });
}

const words = (state: string) => state.toLowerCase().replaceAll("_", " ");
const selectionOf = (run: OperationRun) => fleetSelection.parse(run.selection);

/**
 * Requests a fleet run: the run row with its selection and reason, and the audit event with the aggregate
 * blast radius, in one transaction. It waits for an Admin other than the requester unless nothing calls for one.
 */
export async function requestFleetRun(
  db: Db,
  boss: PgBoss,
  input: FleetRunRequest & { actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  const preview = await previewFleetRun(db, input, { roles: input.roles });
  if (preview.total === 0)
    throw new AppError("CONFLICT", "No resource in this selection can take this operation; nothing to run.");
  const needsApproval = preview.approvalReasons.length > 0;
  const run = await db.$transaction(async (tx) => {
    const created = await tx.operationRun.create({
      data: {
        operation: input.operation,
        selection: fleetSelection.parse(input.selection),
        targetCustomerId: preview.target?.customerId,
        requestedBy: input.actor.id ?? "unknown",
        reason: input.reason,
      },
    });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: "run.requested",
      targetType: "run",
      targetId: created.id,
      customerId: input.selection.customerId,
      details: {
        operation: input.operation,
        reason: input.reason,
        selection: input.selection,
        resources: preview.total,
        writes: preview.writes,
        to: preview.target?.keyUri ?? null,
        approval: needsApproval ? preview.approvalReasons : null,
      },
      requestId: input.requestId,
    });
    if (!needsApproval) await startRun(tx, created, input.actor, input.requestId);
    return created;
  });
  if (!needsApproval) await sendFleetRunBatch(boss, run.id);
  return { run, preview, needsApproval };
}

/** The run's resources as the database holds them now (a change of key leaves out those already on the target). */
async function runWhere(tx: Tx, run: OperationRun) {
  if (run.targetKeyId)
    return eligibleWhere(run.operation as OperationName, selectionOf(run), run.targetKeyId);
  const targetKey = run.targetCustomerId ? await findVerifiedKey(tx, run.targetCustomerId) : null;
  return eligibleWhere(run.operation as OperationName, selectionOf(run), targetKey?.id);
}

async function startRun(tx: Tx, run: OperationRun, actor: Actor, requestId?: string, approved = false) {
  const total = await tx.isvResource.count({ where: await runWhere(tx, run) });
  await moveRun(tx, run, {
    to: "RUNNING",
    actor,
    data: {
      total,
      startedAt: new Date(),
      ...(approved && { approvedBy: actor.id, approvedAt: new Date() }),
    },
    details: {
      resources: total,
      ...(approved && { approvedBy: actor.id ?? null, requestedBy: run.requestedBy }),
    },
    requestId,
  });
}

/** An Admin other than the requester approves: the run starts and its first batch is queued. */
export async function approveFleetRun(
  db: Db,
  boss: PgBoss,
  input: { runId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  if (!input.roles.includes("Admin")) throw new AppError("FORBIDDEN", "Only an Admin can approve a run.");
  await db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    if (run.state !== "AWAITING_APPROVAL")
      throw new AppError("CONFLICT", "This run is no longer waiting for approval.");
    if (run.requestedBy.toLowerCase() === (input.actor.id ?? "").toLowerCase())
      throw new AppError("FORBIDDEN", "You requested this run; another Admin must approve it.");
    // A customer's hand-over: approving accepts the replacement key; resources move to it run by run.
    if (run.targetKeyId)
      await acceptReplacementKey(tx, {
        keyId: run.targetKeyId,
        actor: input.actor,
        runId: run.id,
        requestId: input.requestId,
      });
    await startRun(tx, run, input.actor, input.requestId, true);
  });
  await sendFleetRunBatch(boss, input.runId);
}

/** An Admin declines a requested run; nothing is written. */
export async function declineFleetRun(
  db: Db,
  input: { runId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  if (!input.roles.includes("Admin")) throw new AppError("FORBIDDEN", "Only an Admin can decline a run.");
  await db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    await moveRun(tx, run, {
      to: "DECLINED",
      actor: input.actor,
      details: { declinedBy: input.actor.id ?? null },
      requestId: input.requestId,
    });
    if (run.targetKeyId)
      await retireReplacementKey(tx, {
        keyId: run.targetKeyId,
        actor: input.actor,
        why: "declined",
        runId: run.id,
        requestId: input.requestId,
      });
  });
}

/**
 * A customer handed over a replacement key and it verified: a "change key" run of every resource of theirs on a
 * customer key, to exactly that key, requested by the customer. By the ISV's policy it waits for an Admin (any
 * Admin: the requester is the customer) or starts at once, accepting the key. Called inside the transaction
 * that records the verification; returns the run and whether it started (the caller then queues its batch).
 */
export async function requestKeyHandoverRun(
  tx: Tx,
  input: {
    key: { id: string; customerId: string; onboardingId: string; keyUri: string; submittedBy: string };
    autoApply: boolean;
    requestId?: string;
  },
) {
  const { key } = input;
  const requester: Actor = { type: "CUSTOMER", id: key.submittedBy };
  const run = await tx.operationRun.create({
    data: {
      operation: "CHANGE_KEY",
      selection: { customerId: key.customerId },
      targetCustomerId: key.customerId,
      targetKeyId: key.id,
      requestedBy: key.submittedBy,
      reason: `The customer handed over a replacement key: ${key.keyUri}`.slice(0, 1000),
    },
  });
  await recordAuditEvent(tx, {
    actor: requester,
    action: "run.requested",
    targetType: "run",
    targetId: run.id,
    customerId: key.customerId,
    onboardingId: key.onboardingId,
    details: {
      operation: "CHANGE_KEY",
      handover: true,
      to: key.keyUri,
      approval: input.autoApply
        ? null
        : ["The ISV approves a customer's replacement key before it is applied."],
    },
    requestId: input.requestId,
  });
  if (input.autoApply) {
    await acceptReplacementKey(tx, { keyId: key.id, actor: SYSTEM_ACTOR, runId: run.id });
    await startRun(tx, run, SYSTEM_ACTOR, input.requestId);
  }
  return { runId: run.id, started: input.autoApply };
}

/** A newer hand-over withdraws the customer's earlier one still waiting for approval (its run is declined). */
export async function withdrawKeyHandover(
  tx: Tx,
  input: { keyId: string; actor: Actor; requestId?: string },
) {
  await endKeyHandover(tx, { ...input, why: "withdrawn", details: { withdrawnBy: input.actor.id ?? null } });
}

/**
 * The customer's invite was revoked: a hand-over not applied yet is declined (its run waiting for approval, and
 * every replacement key still proposed, verified or not, so none files a run later). A run already applying
 * goes on. Returns how many waiting runs it declined.
 */
export async function declineKeyHandovers(
  tx: Tx,
  input: { onboardingId: string; actor: Actor; requestId?: string },
): Promise<number> {
  // A newer hand-over withdraws the earlier one, so an onboarding has at most a few proposed keys.
  const proposed = await tx.customerKey.findMany({
    where: { onboardingId: input.onboardingId, status: "PROPOSED" },
    select: { id: true },
    take: 20,
  });
  let declined = 0;
  for (const key of proposed)
    declined += await endKeyHandover(tx, {
      keyId: key.id,
      actor: input.actor,
      requestId: input.requestId,
      why: "declined",
      details: { declinedBy: input.actor.id ?? null, why: "The customer's invite was revoked." },
    });
  return declined;
}

/** Declines a replacement key's runs waiting for approval and retires the key; returns how many runs it declined. */
async function endKeyHandover(
  tx: Tx,
  input: {
    keyId: string;
    actor: Actor;
    requestId?: string;
    why: "withdrawn" | "declined";
    details: Record<string, Prisma.InputJsonValue | null>;
  },
): Promise<number> {
  const waiting = await tx.operationRun.findMany({
    where: { targetKeyId: input.keyId, state: "AWAITING_APPROVAL" },
    select: { id: true },
  });
  for (const { id } of waiting)
    await moveRun(tx, await lockRun(tx, id), {
      to: "DECLINED",
      actor: input.actor,
      details: input.details,
      requestId: input.requestId,
    });
  await retireReplacementKey(tx, {
    keyId: input.keyId,
    actor: input.actor,
    why: input.why,
    runId: waiting[0]?.id,
    requestId: input.requestId,
  });
  return waiting.length;
}

const WRITE_ROLES: readonly OperatorRole[] = ["Operator", "Admin"];
function requireRunner(roles: readonly OperatorRole[]) {
  if (!roles.some((r) => WRITE_ROLES.includes(r)))
    throw new AppError(
      "FORBIDDEN",
      "Pausing, resuming and cancelling a run needs the Operator or Admin role.",
    );
}

/** Pause: no new job starts; a write already sent finishes. Jobs waiting in the queue are held as PAUSED. */
export async function pauseFleetRun(
  db: Db,
  input: { runId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  requireRunner(input.roles);
  await db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    await moveRun(tx, run, { to: "PAUSED", actor: input.actor, requestId: input.requestId });
  });
}

/** Resume: held jobs are queued again and the batches go on. */
export async function resumeFleetRun(
  db: Db,
  boss: PgBoss,
  input: { runId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  requireRunner(input.roles);
  const requeued = await db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    await moveRun(tx, run, { to: "RUNNING", actor: input.actor, requestId: input.requestId });
    // A fresh message for each (bossJobId cleared first, so the sweep re-sends it should this process stop).
    return moveRunJobs(tx, run.id, ["PAUSED"], {
      to: "QUEUED",
      actor: input.actor,
      data: { bossJobId: null },
      requestId: input.requestId,
    });
  });
  for (const jobId of requeued) await sendApplyMessage(db, boss, jobId);
  await sendFleetRunBatch(boss, input.runId);
}

/** Moves every job of a run in one of `from` to the next state, a page at a time; returns their IDs. */
async function moveRunJobs(
  tx: Tx,
  runId: string,
  from: JobState[],
  move: Omit<Parameters<typeof transitionJob>[1], "jobId">,
): Promise<string[]> {
  const moved: string[] = [];
  for (;;) {
    const page = await tx.job.findMany({
      where: { runId, state: { in: from } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: RUN_WINDOW,
    });
    for (const job of page) await transitionJob(tx, { ...move, jobId: job.id });
    moved.push(...page.map((j) => j.id));
    if (page.length < RUN_WINDOW) return moved;
  }
}

/**
 * Cancel: no new write starts. Jobs not yet started are cancelled (now, or when a worker picks them up);
 * a write already sent to Azure finishes and its resource keeps its real outcome. Then the run is CANCELLED.
 */
export async function cancelFleetRun(
  db: Db,
  input: { runId: string; actor: Actor; roles: readonly OperatorRole[]; requestId?: string },
) {
  requireRunner(input.roles);
  const inFlight = await db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    await moveRun(tx, run, { to: "CANCELLING", actor: input.actor, requestId: input.requestId });
    // Jobs not started yet: held by a pause, or waiting in the queue.
    await moveRunJobs(tx, run.id, ["PAUSED", "QUEUED"], {
      to: "CANCELLED",
      actor: input.actor,
      details: { runCancelled: true },
      requestId: input.requestId,
    });
    return tx.job.count({ where: { runId: run.id, state: { in: ["RUNNING", "WAITING_ON_AZURE"] } } });
  });
  await settleRun(db, input.runId);
  return { inFlight };
}

/**
 * Whether a job of a run may start now. Called by the worker before a job's first write: a paused run holds
 * the job (PAUSED), a cancelled one cancels it; a job already writing (redelivered) always goes on.
 */
export async function admitRunJob(
  db: Db,
  jobId: string,
  runId: string,
): Promise<"run" | "held" | "cancelled"> {
  // A running run admits without a lock: one read, and the job's own start (under its row lock) still finds a
  // job that a cancel moved meanwhile. Only a paused or ending run needs its lock, to hold or cancel the job.
  const now = await db.operationRun.findUnique({ where: { id: runId }, select: { state: true } });
  if (now?.state === "RUNNING") return "run";
  const verdict = await db.$transaction(async (tx) => {
    const run = await lockRun(tx, runId, "SHARE");
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId }, select: { state: true } });
    if (job.state !== "QUEUED" || run.state === "RUNNING") return "run" as const;
    if (run.state === "PAUSED") {
      await transitionJob(tx, { jobId, to: "PAUSED", actor: SYSTEM_ACTOR, details: { runPaused: true } });
      return "held" as const;
    }
    await transitionJob(tx, { jobId, to: "CANCELLED", actor: SYSTEM_ACTOR, details: { runCancelled: true } });
    return "cancelled" as const;
  });
  if (verdict === "cancelled") await settleRun(db, runId);
  return verdict;
}

const ACTIVE_JOB: JobState[] = ["QUEUED", "RUNNING", "WAITING_ON_AZURE", "PAUSED", "CANCELLING"];

/** Ends a run once nothing of it is left to do: FINISHED when every resource was taken, CANCELLED when asked. */
export async function settleRun(db: Db, runId: string) {
  const seen = await db.operationRun.findUnique({
    where: { id: runId },
    select: { state: true, exhausted: true },
  });
  if (!seen || (seen.state !== "CANCELLING" && !(seen.state === "RUNNING" && seen.exhausted))) return;
  await db.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (run.state !== "CANCELLING" && !(run.state === "RUNNING" && run.exhausted)) return;
    const active = await tx.job.count({ where: { runId, state: { in: ACTIVE_JOB } } });
    if (active > 0) return;
    const outcome = await countRunJobs(tx, runId);
    await moveRun(tx, run, {
      to: run.state === "CANCELLING" ? "CANCELLED" : "FINISHED",
      actor: SYSTEM_ACTOR,
      details: {
        succeeded: outcome.SUCCEEDED,
        failed: outcome.FAILED,
        cancelled: outcome.CANCELLED,
        skipped: run.skipped,
      },
    });
    if (run.targetKeyId)
      await recordHandoverApplied(tx, run, run.state === "CANCELLING" ? "CANCELLED" : "FINISHED");
  });
}

/**
 * The end of a customer's hand-over run, on the customer's own timeline: how many of their resources now read the
 * replacement key back (every one, or the customer's page keeps saying which still use the previous key).
 */
async function recordHandoverApplied(tx: Tx, run: OperationRun, ended: RunState) {
  const key = await tx.customerKey.findUnique({
    where: { id: run.targetKeyId ?? "" },
    select: { id: true, customerId: true, onboardingId: true, keyUri: true },
  });
  if (!key) return;
  const [total, onNewKey] = await Promise.all([
    tx.isvResource.count({ where: { customerId: key.customerId, cmkState: { not: "MICROSOFT_MANAGED" } } }),
    tx.isvResource.count({
      where: { customerId: key.customerId, cmkState: "APPLIED", appliedKeyId: key.id },
    }),
  ]);
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "key.replacement_applied",
    targetType: "customer_key",
    targetId: key.id,
    customerId: key.customerId,
    onboardingId: key.onboardingId,
    outcome: onNewKey === total ? "success" : "failure",
    details: { runId: run.id, keyUri: key.keyUri, onNewKey, total, run: ended },
  });
}

/**
 * One batch of a run, called by the worker for each "fleet-run" message: under the run's row lock, takes the
 * next resources of the selection in ID order (keyset, never the whole table) while the run's window has room,
 * creates their jobs and moves the cursor in the same transaction, then queues the jobs. Returns when to look
 * again, or null when the run needs no more batches. Safe to call twice: the cursor and the one-active-job-per-
 * resource key make a second call take the next resources or none.
 */
export async function runFleetBatch(
  db: Db,
  boss: PgBoss,
  runId: string,
  limits: { batch: number; window: number } = { batch: RUN_BATCH, window: RUN_WINDOW },
): Promise<{ againInSeconds: number | null }> {
  // The jobs' audit events are appended together at the end: the customer's audit stream is locked for one
  // append, not for the whole batch, while the jobs already started go on recording their own steps.
  const result = await db.$transaction((tx) =>
    withAuditAtEnd(tx, async () => {
      const run = await lockRun(tx, runId);
      if (run.state !== "RUNNING" || run.exhausted) return null;
      const outstanding = await tx.job.count({
        where: { runId, state: { in: ["QUEUED", "RUNNING", "WAITING_ON_AZURE"] } },
      });
      const room = Math.min(limits.batch, limits.window - outstanding);
      if (room <= 0) return { created: [] as string[] };
      const operation = run.operation as OperationName;
      const resources = await tx.isvResource.findMany({
        where: {
          AND: [await runWhere(tx, run), ...(run.cursor ? [{ id: { gt: run.cursor } }] : [])],
        },
        orderBy: { id: "asc" },
        take: room,
        select: { id: true, name: true, customerId: true, appliedKeyId: true },
      });
      const keys = new Map<string, CustomerKey | null>();
      const keyFor = async (customerId: string) => {
        if (!keys.has(customerId)) keys.set(customerId, await findVerifiedKey(tx, customerId));
        return keys.get(customerId) ?? null;
      };
      const created: string[] = [];
      const skipped: string[] = [];
      for (const resource of resources) {
        const activeKey = resourceJobKey(resource.id);
        const keyId =
          operation === "REVERT"
            ? undefined
            : operation === "ROTATE"
              ? (resource.appliedKeyId ?? undefined)
              : (run.targetKeyId ?? (await keyFor(run.targetCustomerId ?? resource.customerId ?? ""))?.id);
        const busy = await tx.job.findUnique({ where: { activeKey }, select: { id: true } });
        if (busy || (operation !== "REVERT" && !keyId)) {
          skipped.push(resource.name);
          continue;
        }
        const job = await createJob(tx, {
          kind: OPERATIONS[operation].kind,
          activeKey,
          resourceId: resource.id,
          customerKeyId: keyId,
          customerId: resource.customerId ?? undefined,
          runId,
          actor: { type: "OPERATOR", id: run.approvedBy ?? run.requestedBy },
          reason: run.reason,
        });
        created.push(job.id);
      }
      const exhausted = resources.length < room;
      await tx.operationRun.update({
        where: { id: runId },
        data: {
          cursor: resources.at(-1)?.id ?? run.cursor,
          exhausted,
          skipped: { increment: skipped.length },
        },
      });
      if (skipped.length)
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTOR,
          action: "run.skipped",
          targetType: "run",
          targetId: runId,
          details: {
            resources: skipped.slice(0, 50),
            count: skipped.length,
            why: "another job was active on them, or their customer has no verified key",
          },
        });
      return { created, exhausted };
    }),
  );
  if (!result) return { againInSeconds: null };
  for (const jobId of result.created) await sendApplyMessage(db, boss, jobId);
  if ("exhausted" in result && result.exhausted) {
    await settleRun(db, runId);
    return { againInSeconds: null };
  }
  return { againInSeconds: result.created.length ? 0 : REFILL_SECONDS };
}

async function countRunJobs(db: Tx, runId: string): Promise<Record<JobState, number>> {
  const rows = await db.job.groupBy({ by: ["state"], where: { runId }, _count: { _all: true } });
  const counts = Object.fromEntries(Object.values(JobState).map((s) => [s, 0])) as Record<JobState, number>;
  for (const row of rows) counts[row.state] = row._count._all;
  return counts;
}

/** How far a run got: counts by state, writes sent, pace and what is left. */
export interface RunProgress {
  total: number;
  counts: Record<JobState, number>;
  done: number;
  failed: number;
  cancelled: number;
  skipped: number;
  remaining: number;
  inFlight: number;
  writes: number;
  writesPerSecond: number | null;
  etaSeconds: number | null;
  percent: number;
}

export async function getRunProgress(db: Db, run: OperationRun): Promise<RunProgress> {
  const [counts, [sums]] = await Promise.all([
    countRunJobs(db, run.id),
    db.$queryRaw<
      { writes: bigint | null }[]
    >`SELECT SUM("step") AS writes FROM "Job" WHERE "runId" = ${run.id}::uuid`,
  ]);
  const writes = Number(sums?.writes ?? 0);
  const done = counts.SUCCEEDED;
  const failed = counts.FAILED;
  const cancelled = counts.CANCELLED;
  const finishedCount = done + failed + cancelled + run.skipped;
  const remaining = Math.max(0, run.total - finishedCount);
  const end = run.finishedAt ?? new Date();
  const elapsed = run.startedAt ? (end.getTime() - run.startedAt.getTime()) / 1000 : 0;
  const writesPerSecond = elapsed > 0 && writes > 0 ? Math.round((writes / elapsed) * 10) / 10 : null;
  const etaSeconds =
    run.state === "RUNNING" && finishedCount > 0 && remaining > 0
      ? Math.ceil((elapsed / finishedCount) * remaining)
      : null;
  return {
    total: run.total,
    counts,
    done,
    failed,
    cancelled,
    skipped: run.skipped,
    remaining,
    inFlight: counts.RUNNING + counts.WAITING_ON_AZURE,
    writes,
    writesPerSecond,
    etaSeconds,
    percent: run.total ? Math.floor((finishedCount / run.total) * 100) : 100,
  };
}

/** One run with the names of the customers it selects and moves to; null when there is no such run. */
export async function getRun(db: Db, id: string) {
  const run = await db.operationRun.findUnique({ where: { id } });
  if (!run) return null;
  const selection = fleetSelection.parse(run.selection);
  const nameOf = (customerId: string | null | undefined) =>
    customerId
      ? db.customer
          .findUnique({ where: { id: customerId }, select: { name: true } })
          .then((c) => c?.name ?? null)
      : Promise.resolve(null);
  const [targetCustomerName, selectedCustomerName] = await Promise.all([
    nameOf(run.targetCustomerId),
    nameOf(selection.customerId),
  ]);
  return { run, selection, targetCustomerName, selectedCustomerName };
}

/** The runs, newest first, a page at a time. */
export async function findRuns(db: Db, input: { cursor?: string; state?: RunState } = {}) {
  const rows = await db.operationRun.findMany({
    where: input.state ? { state: input.state } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 21,
    ...(input.cursor && { cursor: { id: input.cursor }, skip: 1 }),
  });
  return { rows: rows.slice(0, 20), next: rows.length > 20 ? rows[19]?.id : undefined };
}

/** One run's per-resource outcomes, failures first, a page at a time, with Azure's words. */
export function findRunJobs(db: Db, input: { runId: string; state?: JobState; take?: number }) {
  return db.job.findMany({
    where: { runId: input.runId, ...(input.state && { state: input.state }) },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: input.take ?? 50,
    select: {
      id: true,
      state: true,
      error: true,
      step: true,
      updatedAt: true,
      resource: { select: { id: true, name: true, kind: true, customer: { select: { name: true } } } },
    },
  });
}
