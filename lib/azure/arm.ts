import "server-only";
import { ResourceManagementClient, restorePoller } from "@azure/arm-resources";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import type { ArmWrite } from "@/lib/cmk/types";
import { getCloud } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getAppCredential } from "./credentials";

/** Pinned api-versions (AZURE_CONTRACTS §4; emulator/COVERAGE.md serves each). SQL keys/protector share the server's. */
export const API_VERSIONS: Record<ResourceKind, string> = {
  STORAGE_ACCOUNT: "2025-06-01",
  COSMOS_DB_ACCOUNT: "2025-10-15",
  DISK_ENCRYPTION_SET: "2025-01-02",
  SQL_SERVER: "2023-08-01",
};

const clients = new Map<string, ResourceManagementClient>();

/**
 * ARM as the app's own identity. The SDK's default retry policy stays on: a 429 (or 503) is retried after the
 * Retry-After ARM sends, other 5xx and network errors with exponential back-off, 3 times; what still fails
 * reaches the caller (the job decides with describeArmError).
 */
export function getArmClient(subscriptionId: string): ResourceManagementClient {
  let client = clients.get(subscriptionId);
  if (!client) {
    client = new ResourceManagementClient(getAppCredential(), subscriptionId, {
      endpoint: getCloud().armEndpoint,
      retryOptions: { maxRetries: 3, maxRetryDelayInMs: 30_000 },
    });
    clients.set(subscriptionId, client);
  }
  return client;
}

const subscriptionOf = (id: string) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";

/** GET one resource by ID with the given api-version; the body as ARM returned it. */
export async function readResource(id: string, apiVersion: string): Promise<unknown> {
  return getArmClient(subscriptionOf(id)).resources.getById(id, apiVersion);
}

export type ArmWriteProgress = { done: true; body: unknown } | { done: false; resumeState: string };

/** How long one resumeArmWrite call keeps polling before it hands the poller state back to be saved. */
export const POLL_SLICE_MS = 15_000;

function beginFor(client: ResourceManagementClient, step: ArmWrite) {
  return step.method === "PUT" ? client.resources.beginCreateOrUpdateById : client.resources.beginUpdateById;
}

/**
 * Sends one ARM write, once. A synchronous answer comes back as `done`; a long-running operation comes back at
 * once (no polling) as the SDK poller's serialised state, so the caller can save it before anything else.
 */
export async function startArmWrite(step: ArmWrite): Promise<ArmWriteProgress> {
  const client = getArmClient(subscriptionOf(step.id));
  const poller = await beginFor(client, step)(step.id, step.apiVersion, step.body);
  return poller.isDone()
    ? { done: true, body: poller.getResult() }
    : { done: false, resumeState: await poller.serialize() };
}

/**
 * Polls a long-running write from saved state (this process or another) without sending the write again: at
 * once, then as often as Azure's Retry-After says, for at most POLL_SLICE_MS. Returns `done` with the final body,
 * or the newer state to save and resume from. A failed or cancelled operation throws (see describeArmError).
 */
export async function resumeArmWrite(step: ArmWrite, resumeState: string): Promise<ArmWriteProgress> {
  const client = getArmClient(subscriptionOf(step.id));
  // restorePoller returns a thenable: kept in an object so that no `await` on it waits for the end.
  const holder = { poller: restorePoller(client, resumeState, beginFor(client, step) as never) };
  const slice = new AbortController();
  const timer = setTimeout(() => slice.abort(), POLL_SLICE_MS);
  try {
    await holder.poller.pollUntilDone({ abortSignal: slice.signal });
  } catch (error) {
    if (!slice.signal.aborted || holder.poller.isDone) throw error;
  } finally {
    clearTimeout(timer);
  }
  return holder.poller.isDone
    ? { done: true, body: holder.poller.result }
    : { done: false, resumeState: await holder.poller.serialize() };
}

export interface ArmFailure {
  code: string;
  status?: number;
  message: string;
  retryable: boolean;
  retryAfterSeconds?: number;
}

const RETRYABLE_CODES =
  /^(SubscriptionRequestsThrottled|TooManyRequests|RetryableErrorDueToAnotherOperation|AnotherOperationInProgress|Conflict|ServiceUnavailable|InternalServerError|GatewayTimeout|RequestTimeout|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN)$/;

/**
 * Azure's code and message, and whether trying again can help: throttling, 5xx, an operation in progress and
 * network errors can; key, identity, authorization, validation and not-found errors cannot.
 */
export function describeArmError(error: unknown): ArmFailure {
  const text = error instanceof Error ? error.message : String(error);
  // core-lro reports a failed operation as a plain Error: "The long-running operation has failed[. {code}. {message}]".
  const lro = /^The long-running operation has failed(?:\. ([\w.-]+)\. ([\s\S]*))?$/.exec(text);
  if (lro) {
    const code = lro[1] ?? "OperationFailed";
    const message = lro[2]?.split("\n")[0] ?? "Azure's long-running operation ended as Failed.";
    return { code, message, retryable: RETRYABLE_CODES.test(code) };
  }
  if (text === "Operation was canceled")
    return { code: "Canceled", message: "Azure cancelled the long-running operation.", retryable: false };
  if (isAppError(error))
    return {
      code: error.azureCode ?? error.code,
      status: error.status,
      message: error.message,
      retryable: false,
    };
  const e = error as {
    code?: string;
    statusCode?: number;
    response?: { headers?: { get(name: string): string | undefined } };
    details?: { error?: { code?: string; message?: string } };
  } | null;
  const code = e?.details?.error?.code ?? e?.code ?? "Unknown";
  const message = (e?.details?.error?.message ?? text).split("\n")[0]!;
  const status = e?.statusCode;
  const retryAfter = Number(e?.response?.headers?.get("retry-after"));
  const retryable = status === 429 || (status !== undefined && status >= 500) || RETRYABLE_CODES.test(code);
  return {
    code,
    status,
    message,
    retryable,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}
