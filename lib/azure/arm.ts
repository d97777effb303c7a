import "server-only";
import { ResourceManagementClient, restorePoller } from "@azure/arm-resources";
import { getCloud } from "@/lib/env";
import { getAppCredential } from "./credentials";

/** One ARM write: a PUT or PATCH of a resource by its ID, with the api-version and body to send. */
export interface ArmRequest {
  method: "PUT" | "PATCH";
  id: string;
  apiVersion: string;
  body: Record<string, unknown>;
}

const clients = new Map<string, ResourceManagementClient>();

/**
 * ARM as the app's own identity. The SDK's default retry policy stays on: a 429 (or 503) is retried after the
 * Retry-After ARM sends, other 5xx and network errors with exponential back-off, 3 times; what still fails
 * reaches the caller (describeAzureError says whether trying again can help).
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

function beginFor(client: ResourceManagementClient, step: ArmRequest) {
  return step.method === "PUT" ? client.resources.beginCreateOrUpdateById : client.resources.beginUpdateById;
}

/**
 * Sends one ARM write, once. A synchronous answer comes back as `done`; a long-running operation comes back at
 * once (no polling) as the SDK poller's serialised state, so the caller can save it before anything else.
 */
export async function startArmWrite(step: ArmRequest): Promise<ArmWriteProgress> {
  const client = getArmClient(subscriptionOf(step.id));
  const poller = await beginFor(client, step)(step.id, step.apiVersion, step.body);
  return poller.isDone()
    ? { done: true, body: poller.getResult() }
    : { done: false, resumeState: await poller.serialize() };
}

/**
 * Polls a long-running write from saved state (this process or another) without sending the write again: at
 * once, then as often as Azure's Retry-After says, for at most POLL_SLICE_MS. Returns `done` with the final body,
 * or the newer state to save and resume from. A failed or cancelled operation throws (see describeAzureError).
 */
export async function resumeArmWrite(step: ArmRequest, resumeState: string): Promise<ArmWriteProgress> {
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
