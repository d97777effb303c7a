"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { currentRequestId, operatorActor, requireOperator, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getProducerBoss } from "@/lib/jobs/boss";
import { loggerFor } from "@/lib/log";
import { assignResource } from "@/lib/resources/assign-resource";
import { enqueueApply } from "@/lib/operations/enqueue-apply";
import { planApply, type ApplyPlan } from "@/lib/operations/plan-apply";
import { recheckResource } from "@/lib/operations/recheck-resource";
import { requestKeyHealthCheck } from "@/lib/key-health/request-check";
import { addResourceById, syncInventory } from "@/lib/resources/sync-inventory";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";

export type ResourceActionResult =
  { ok: true; message: string; plan?: ApplyPlan } | { ok: false; error: string };

const id = z.uuid();
const armIdSchema = z
  .string()
  .trim()
  .max(1024)
  .regex(
    /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[\w.()-]{1,90}\/providers\/[\w.]+\/[\w]+\/[\w.-]{1,260}$/i,
    "Enter a full ARM resource ID: /subscriptions/…/resourceGroups/…/providers/…",
  );

async function run(work: () => Promise<ResourceActionResult>): Promise<ResourceActionResult> {
  try {
    const result = await work();
    revalidatePath("/console/resources");
    return result;
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    loggerFor(await currentRequestId()).error({ err: error }, "resource action failed");
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

export async function discoverResourcesAction(): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const { found, added } = await syncInventory(getDb(), {
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    return { ok: true, message: `Found ${found} resources in Azure; ${added} new.` };
  });
}

export async function addResourceAction(
  _previous: ResourceActionResult | null,
  form: FormData,
): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const parsed = armIdSchema.safeParse(form.get("armId"));
    if (!parsed.success)
      return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid resource ID" };
    const resource = await addResourceById(getDb(), {
      armId: parsed.data,
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    return { ok: true, message: `Added ${resource.name}.` };
  });
}

export async function assignResourceAction(
  resourceId: string,
  customerId: string,
): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    await assignResource(getDb(), {
      resourceId: id.parse(resourceId),
      customerId: customerId ? id.parse(customerId) : null,
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    return { ok: true, message: customerId ? "Assigned." : "Unassigned." };
  });
}

/** The plan is shown before anything runs; reviewing it is audited too. */
export async function planApplyAction(resourceId: string): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const plan = await planApply(getDb(), id.parse(resourceId));
    await recordAuditEvent(getDb(), {
      actor: operatorActor(session),
      action: "cmk.plan_reviewed",
      targetType: "resource",
      targetId: plan.armId,
      details: {
        keyUri: plan.keyUri,
        steps: plan.steps.map((s) => `${s.method} ${s.id}`),
        problems: plan.problems.map((p) => p.code),
      },
      requestId: await currentRequestId(),
    });
    return {
      ok: true,
      message: plan.problems.length
        ? "This resource cannot use the key yet."
        : `${plan.steps.length} change(s) planned.`,
      plan,
    };
  });
}

export async function applyAction(resourceId: string, reason: string): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { created } = await enqueueApply(getDb(), boss, {
      resourceId: id.parse(resourceId),
      actor: operatorActor(session),
      reason: z.string().trim().max(500).parse(reason) || undefined,
      requestId: await currentRequestId(),
    });
    return {
      ok: true,
      message: created ? "Queued; the worker applies it now." : "A job for this resource is already running.",
    };
  });
}

export async function recheckAction(resourceId: string): Promise<ResourceActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const actor = operatorActor(session);
    const requestId = await currentRequestId();
    const resource = await recheckResource(getDb(), { resourceId: id.parse(resourceId), actor, requestId });
    // The read-back says which key the resource uses; whether that key still works is the health check's job.
    const keyCheck = resource.appliedKeyId
      ? await requestKeyHealthCheck(getDb(), await getProducerBoss(getEnv().DATABASE_URL), {
          keyId: resource.appliedKeyId,
          actor,
          requestId,
        }).catch(() => null)
      : null;
    return {
      ok: true,
      message: `Read back from Azure: ${resource.cmkState.toLowerCase().replace("_", " ")}.${keyCheck ? " The key itself is being checked now: see Key health." : ""}`,
    };
  });
}
