import "server-only";
import { ResourceManagementClient, restorePoller } from "@azure/arm-resources";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
} from "@azure/core-rest-pipeline";
import { getCloud } from "@/lib/env";
import { getAppCredential } from "./credentials";

/**
 * One ARM write: a PUT or PATCH of a resource by its ID, or a POST of a provider action (`id` is then the
 * action's path, e.g. a SQL database's `…/encryptionProtector/current/revert`), with the api-version and body.
 */
export interface ArmRequest {
  method: "PUT" | "PATCH" | "POST";
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
  if (step.method === "POST") return startArmAction(client, step);
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
  if (step.method === "POST") return pollArmAction(client, resumeState);
  // restorePoller returns a thenable: kept in an object so that no `await` on it waits for the end.
  const holder = {
    poller: restorePoller(client, resumeState, beginFor(client, step) as never),
  };
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

// ARM provider actions (POST) have no generic SDK method: they go through the client's own pipeline (its
// credential, retry and Retry-After handling), and their long-running operation is polled the way ARM
// documents it (docs/azure-contracts.md §4.1): Azure-AsyncOperation status if given, else Location until not 202.
const http = createDefaultHttpClient();
interface ActionState {
  pollingUrl: string;
  resultUrl: string | null;
  mode: "status" | "location";
}

async function sendArm(
  client: ResourceManagementClient,
  method: "GET" | "POST",
  url: string,
  body?: unknown,
) {
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({ "content-type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await client.pipeline.sendRequest(http, request);
  const text = response.bodyAsText ?? "";
  const json = parseJson(text);
  if (response.status >= 400) {
    const error = json?.error as { code?: string; message?: string } | undefined;
    const e = new RestError(error?.message ?? `Azure answered ${response.status}.`, {
      code: error?.code,
      statusCode: response.status,
      request,
      response,
    });
    e.details = json;
    throw e;
  }
  return { status: response.status, headers: response.headers, json };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = text ? JSON.parse(text) : undefined;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A gateway's HTML error page: the status code still says what happened.
    return undefined;
  }
}

async function startArmAction(client: ResourceManagementClient, step: ArmRequest): Promise<ArmWriteProgress> {
  const url = `${getCloud().armEndpoint.replace(/\/+$/, "")}${step.id}?api-version=${step.apiVersion}`;
  const res = await sendArm(client, "POST", url, step.body);
  if (res.status !== 202) return { done: true, body: res.json ?? null };
  const status = res.headers.get("azure-asyncoperation");
  const location = res.headers.get("location");
  const state: ActionState = status
    ? { pollingUrl: status, resultUrl: location ?? null, mode: "status" }
    : { pollingUrl: location ?? "", resultUrl: null, mode: "location" };
  if (!state.pollingUrl) return { done: true, body: null };
  return { done: false, resumeState: JSON.stringify(state) };
}

async function pollArmAction(
  client: ResourceManagementClient,
  resumeState: string,
): Promise<ArmWriteProgress> {
  const state = JSON.parse(resumeState) as ActionState;
  const deadline = Date.now() + POLL_SLICE_MS;
  for (;;) {
    const res = await sendArm(client, "GET", state.pollingUrl);
    if (state.mode === "location" && res.status !== 202) return { done: true, body: res.json ?? null };
    const status = String(res.json?.status ?? "");
    if (state.mode === "status" && /^succeeded$/i.test(status))
      return {
        done: true,
        body: state.resultUrl ? ((await sendArm(client, "GET", state.resultUrl)).json ?? null) : null,
      };
    if (/^canceled$/i.test(status)) throw new Error("Operation was canceled");
    if (/^failed$/i.test(status)) {
      const error = res.json?.error as { code?: string; message?: string } | undefined;
      throw new Error(
        `The long-running operation has failed. ${error?.code ?? "OperationFailed"}. ${error?.message ?? ""}`,
      );
    }
    const waitMs = (Number(res.headers.get("retry-after")) || 1) * 1000;
    if (Date.now() + waitMs > deadline) return { done: false, resumeState };
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
