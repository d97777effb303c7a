import "server-only";
import { ResourceManagementClient, restorePoller } from "@azure/arm-resources";
import type { ArmWrite } from "@/lib/cmk/types";
import { getCloud } from "@/lib/env";
import { getAppCredential } from "./credentials";

const clients = new Map<string, ResourceManagementClient>();

/**
 * ARM as the app's own identity. The SDK's retry policy stays on: 429 and 5xx are retried (3 times) after
 * the Retry-After ARM sends; what is still failing after that reaches the job, which decides.
 */
export function getArmClient(subscriptionId: string): ResourceManagementClient {
  let client = clients.get(subscriptionId);
  if (!client) {
    client = new ResourceManagementClient(getAppCredential(), subscriptionId, {
      endpoint: getCloud().armEndpoint,
      retryOptions: { maxRetries: 3 },
    });
    clients.set(subscriptionId, client);
  }
  return client;
}

const subscriptionOf = (id: string) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";

export async function readResource(id: string, apiVersion: string): Promise<unknown> {
  return getArmClient(subscriptionOf(id)).resources.getById(id, apiVersion);
}

export type ArmWriteProgress = { done: true; body: unknown } | { done: false; resumeState: string };

// How long one call keeps polling before it hands back the poller state (so the caller can save it).
const POLL_SLICE_MS = 15_000;

/**
 * Sends one ARM write. If Azure answers with a long-running operation, the SDK poller's serialised state comes
 * back at once; resumeArmWrite polls from it (for up to 15 s per call), in this process or another, without
 * sending the write again.
 */
export async function startArmWrite(step: ArmWrite): Promise<ArmWriteProgress> {
  const client = getArmClient(subscriptionOf(step.id));
  const begin =
    step.method === "PUT" ? client.resources.beginCreateOrUpdateById : client.resources.beginUpdateById;
  const poller = await begin(step.id, step.apiVersion, step.body, { updateIntervalInMs: 500 });
  // Back at once when Azure accepted but has not finished: the caller saves the state before any polling.
  return poller.isDone()
    ? { done: true, body: poller.getResult() }
    : { done: false, resumeState: await poller.serialize() };
}

export async function resumeArmWrite(step: ArmWrite, resumeState: string): Promise<ArmWriteProgress> {
  const client = getArmClient(subscriptionOf(step.id));
  const source =
    step.method === "PUT" ? client.resources.beginCreateOrUpdateById : client.resources.beginUpdateById;
  // restorePoller returns a thenable; it is kept in an object so that no `await` on it waits for the end.
  const holder = { poller: restorePoller(client, resumeState, source as never, { updateIntervalInMs: 500 }) };
  return pollFor({
    serialize: () => holder.poller.serialize(),
    poll: () => holder.poller.poll(),
    isDone: () => holder.poller.isDone,
    result: () => holder.poller.result,
  });
}

async function pollFor(p: {
  serialize(): Promise<string>;
  poll(): Promise<unknown>;
  isDone(): boolean;
  result(): unknown;
}): Promise<ArmWriteProgress> {
  const deadline = Date.now() + POLL_SLICE_MS;
  while (!p.isDone() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    await p.poll();
  }
  return p.isDone() ? { done: true, body: p.result() } : { done: false, resumeState: await p.serialize() };
}

export interface ArmFailure {
  code: string;
  status?: number;
  message: string;
  retryable: boolean;
  retryAfterSeconds?: number;
}

const RETRYABLE_CODES =
  /^(SubscriptionRequestsThrottled|TooManyRequests|RetryableErrorDueToAnotherOperation|AnotherOperationInProgress|Conflict|ServiceUnavailable|InternalServerError|GatewayTimeout|ECONNRESET|ECONNREFUSED|ETIMEDOUT)$/;

/** Azure's code and message, and whether trying again can help (throttling, 5xx, an operation in progress). */
export function describeArmError(error: unknown): ArmFailure {
  // core-lro reports a failed operation as a plain Error: "The long-running operation has failed. {code}. {message}".
  const lro = /^The long-running operation has failed\. ([\w.-]+)\. ([\s\S]*)$/.exec(
    error instanceof Error ? error.message : "",
  );
  if (lro)
    return { code: lro[1]!, message: lro[2]!.split("\n")[0]!, retryable: RETRYABLE_CODES.test(lro[1]!) };
  const e = error as {
    code?: string;
    statusCode?: number;
    message?: string;
    response?: { headers?: { get(name: string): string | undefined } };
    details?: { error?: { code?: string; message?: string } };
  };
  const code = e?.details?.error?.code ?? e?.code ?? "Unknown";
  const message = (e?.details?.error?.message ?? e?.message ?? String(error)).split("\n")[0]!;
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
