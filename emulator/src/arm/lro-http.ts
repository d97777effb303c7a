import { ArmError } from "./errors.js";
import { isoSeconds, type Operation } from "./lro.js";
import type { ArmContext, ArmResponse } from "./types.js";

/** Retry-After we advertise (seconds); the SDK's poller honours it. */
export const RETRY_AFTER = "1";

interface StartInput {
  namespace: string;
  resourceId: string;
  location: string;
  complete: Operation["complete"];
  result: Operation["result"];
}

function lroSeconds(ctx: ArmContext): number {
  const s = (ctx.emu.settings as { lroSeconds?: unknown }).lroSeconds;
  return typeof s === "number" && s >= 0 ? s : 1;
}

/** Starts an operation; an injected fault with `lroOutcome` decides how it ends (§3.2 async failures). */
export function startOperation(ctx: ArmContext, input: StartInput): Operation {
  const f = ctx.fault?.lroOutcome;
  const op = ctx.store.operations.start({
    ...input,
    subscriptionId: ctx.subscription.subscriptionId,
    outcome: f?.status ?? "Succeeded",
    durationMs: lroSeconds(ctx) * 1000,
    error: f
      ? {
          code: f.code ?? "InternalServerError",
          message: f.message ?? `The operation ended ${f.status} (injected fault).`,
        }
      : undefined,
  });
  return op;
}

/** `{base}/subscriptions/{sub}/providers/{ns}/locations/{loc}/{segment}/{opId}?...api-version` */
export function operationUrl(ctx: ArmContext, op: Operation, segment: string, monitor = false): string {
  const q = `${monitor ? "monitor=true&" : ""}api-version=${ctx.apiVersion}`;
  return `${ctx.baseUrl}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location.toLowerCase().replace(/\s+/g, "")}/${segment}/${op.id}?${q}`;
}

/** Azure-AsyncOperation status body: always 200 (§3.2). */
function statusBody(op: Operation) {
  return {
    id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operations/${op.id}`,
    name: op.id,
    status: op.status,
    startTime: isoSeconds(op.startMs),
    ...(op.status !== "InProgress"
      ? { endTime: isoSeconds(op.endMs), percentComplete: 100 }
      : { percentComplete: 50 }),
    ...(op.error && op.status !== "InProgress" && op.status !== "Succeeded" ? { error: op.error } : {}),
  };
}

/** GET of an operation URL. "Location" style (monitor / *OperationResults) returns 202 then the result; others the status. */
export async function pollOperation(
  ctx: ArmContext,
  segment: string,
  opId: string,
  selfUrl: string,
): Promise<ArmResponse> {
  const op = ctx.store.operations.get(opId);
  if (!op || op.subscriptionId.toLowerCase() !== ctx.subscription.subscriptionId.toLowerCase()) {
    throw new ArmError(404, "OperationNotFound", `The operation '${opId}' could not be found.`);
  }
  const locationStyle = ctx.query.get("monitor") === "true" || /operationresults$/i.test(segment);
  if (!locationStyle)
    return {
      status: 200,
      body: statusBody(op),
      headers: op.status === "InProgress" ? { "retry-after": RETRY_AFTER } : {},
    };
  if (op.status === "InProgress")
    return { status: 202, headers: { location: selfUrl, "retry-after": RETRY_AFTER } };
  if (op.status === "Succeeded") {
    const body = await op.result();
    return body === undefined ? { status: 204 } : { status: 200, body };
  }
  const error = op.error ?? { code: "InternalServerError", message: "The operation failed." };
  return { status: error.code === "InternalServerError" ? 500 : 400, body: { error } };
}

export interface AcceptedInput extends StartInput {
  /** Azure-AsyncOperation segment (omit for Location-only RPs such as Storage). */
  statusSegment?: string;
  /** Location segment; `monitor` adds `monitor=true` (Storage, DiskRP). */
  resultSegment: string;
  monitor?: boolean;
  /** A body for the 202 (DiskRP sends the resource); most RPs send none. */
  body?: unknown;
}

/** 202 Accepted (no body) + Location (+ Azure-AsyncOperation) + Retry-After; the change is applied on completion. */
export function accepted(ctx: ArmContext, input: AcceptedInput): ArmResponse {
  if (ctx.store.operations.inProgressFor(input.resourceId)) {
    throw new ArmError(
      409,
      "AnotherOperationInProgress",
      `An operation on resource '${input.resourceId}' is already in progress. Please retry after it completes.`,
    );
  }
  const op = startOperation(ctx, input);
  const headers: Record<string, string> = {
    location: operationUrl(ctx, op, input.resultSegment, input.monitor),
    "retry-after": RETRY_AFTER,
  };
  if (input.statusSegment) headers["azure-asyncoperation"] = operationUrl(ctx, op, input.statusSegment);
  return { status: 202, headers, ...(input.body === undefined ? {} : { body: input.body }) };
}
