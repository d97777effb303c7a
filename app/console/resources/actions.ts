"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { WRITE_ROLES } from "@/lib/auth/operator";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "@/lib/jobs/boss";
import { requestKeyHealthCheck } from "@/lib/key-health/request-check";
import { enqueueApply } from "@/lib/operations/enqueue-apply";
import { planApply, type ApplyPlan } from "@/lib/operations/plan-apply";
import { recheckResource } from "@/lib/operations/recheck-resource";
import { assignResource } from "@/lib/resources/assign-resource";
import { addResourceById, syncInventory } from "@/lib/resources/sync-inventory";

export type ResourceActionResult =
  { ok: true; message: string; plan?: ApplyPlan } | { ok: false; error: string };

const resourceId = z.object({ resourceId: z.uuid("This resource ID is not valid.") });
const armIdSchema = z
  .string()
  .trim()
  .max(1024)
  .regex(
    /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[\w.()-]{1,90}\/providers\/[\w.]+\/[\w]+\/[\w.-]{1,260}$/i,
    "Enter a full ARM resource ID: /subscriptions/…/resourceGroups/…/providers/…",
  );
const write = operator(WRITE_ROLES);
const revalidate = "/console/resources";

export const discoverResourcesAction = serverAction({
  name: "discoverResources",
  access: write,
  args: () => ({}),
  input: z.object({}),
  run: async ({ actor, requestId, db }) => {
    const { found, added } = await syncInventory(db, { actor, requestId });
    return { ok: true as const, message: `Found ${found} resources in Azure; ${added} new.` };
  },
  revalidate,
});

export const addResourceAction = serverAction({
  name: "addResource",
  access: write,
  args: (_previous: ResourceActionResult | null, form: FormData) => ({ armId: form.get("armId") }),
  input: z.object({ armId: armIdSchema }),
  run: async ({ input, actor, requestId, db }) => {
    const resource = await addResourceById(db, { armId: input.armId, actor, requestId });
    return { ok: true as const, message: `Added ${resource.name}.` };
  },
  revalidate,
});

export const assignResourceAction = serverAction({
  name: "assignResource",
  access: write,
  args: (resourceId: string, customerId: string) => ({ resourceId, customerId }),
  input: resourceId.extend({
    customerId: z.union([z.literal("").transform(() => null), z.uuid("This customer ID is not valid.")]),
  }),
  run: async ({ input, actor, requestId, db }) => {
    await assignResource(db, { ...input, actor, requestId });
    return { ok: true as const, message: input.customerId ? "Assigned." : "Unassigned." };
  },
  revalidate,
});

/** The plan is shown before anything runs; reviewing it is audited too. */
export const planApplyAction = serverAction({
  name: "planApply",
  access: write,
  args: (resourceId: string) => ({ resourceId }),
  input: resourceId,
  run: async ({ input, actor, requestId, db }) => {
    const plan = await planApply(db, input.resourceId);
    await recordAuditEvent(db, {
      actor,
      action: "cmk.plan_reviewed",
      targetType: "resource",
      targetId: plan.armId,
      details: {
        keyUri: plan.keyUri,
        steps: plan.steps.map((s) => `${s.method} ${s.id}`),
        problems: plan.problems.map((p) => p.code),
      },
      requestId,
    });
    return {
      ok: true as const,
      message: plan.problems.length
        ? "This resource cannot use the key yet."
        : `${plan.steps.length} change(s) planned.`,
      plan,
    };
  },
  revalidate,
});

export const applyAction = serverAction({
  name: "apply",
  access: write,
  args: (resourceId: string, reason: string) => ({ resourceId, reason }),
  input: resourceId.extend({
    reason: z
      .string()
      .trim()
      .max(500, "Keep the reason under 500 characters.")
      .transform((v) => v || undefined),
  }),
  run: async ({ input, actor, requestId, db }) => {
    const boss = await getProducerBoss(getEnv().DATABASE_URL);
    const { created } = await enqueueApply(db, boss, { ...input, actor, requestId });
    return {
      ok: true as const,
      message: created ? "Queued; the worker applies it now." : "A job for this resource is already running.",
    };
  },
  revalidate,
});

export const recheckAction = serverAction({
  name: "recheck",
  access: write,
  args: (resourceId: string) => ({ resourceId }),
  input: resourceId,
  run: async ({ input, actor, requestId, db }) => {
    const resource = await recheckResource(db, { resourceId: input.resourceId, actor, requestId });
    // The read-back says which key the resource uses; whether that key still works is the health check's job.
    const keyCheck = resource.appliedKeyId
      ? await requestKeyHealthCheck(db, await getProducerBoss(getEnv().DATABASE_URL), {
          keyId: resource.appliedKeyId,
          actor,
          requestId,
        }).catch(() => null)
      : null;
    return {
      ok: true as const,
      message: `Read back from Azure: ${resource.cmkState.toLowerCase().replace("_", " ")}.${keyCheck ? " The key itself is being checked now: see Key health." : ""}`,
    };
  },
  revalidate,
});
