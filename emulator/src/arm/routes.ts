import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendFault, takeFault } from "../core/fault-hook.js";
import { registerService, requestUrl } from "../core/service.js";
import type { Emulator } from "../emulator.js";
import { checkApiVersion, checkNamespaceApiVersion } from "./api-versions.js";
import { authenticateArm, requireSubscription } from "./auth.js";
import { ArmError } from "./errors.js";
import { metadataEndpoints } from "./metadata.js";
import { matchRoute } from "./router.js";
import type { ArmStore } from "./store.js";
import type { RequestKind } from "./throttle.js";

const KIND: Record<string, RequestKind> = { GET: "reads", HEAD: "reads", DELETE: "deletes" };

/** One pipeline for every ARM request: ids → route → fault → auth → tenant → api-version → throttle → handler. */
async function handle(
  emu: Emulator,
  store: ArmStore,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const url = requestUrl(req);
  const correlation = String(req.headers["x-ms-correlation-request-id"] ?? randomUUID());
  const requestId = randomUUID();
  const stamp = new Date(emu.clock.nowMs()).toISOString().replace(/[-:]|\.\d+/g, "");
  reply.headers({
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlation,
    "x-ms-routing-request-id": `WESTEUROPE:${stamp}:${requestId}`,
  });
  store.operations.settle();
  if (url.pathname.replace(/\/+$/, "") === "/subscriptions")
    return listSubscriptions(emu, store, req, reply, url);
  const route = matchRoute(req.method, url.pathname);
  const fault = takeFault(emu, {
    service: "arm",
    operation: route.operation,
    method: req.method,
    path: url.pathname,
  });
  const defaultBody = (status: number) =>
    new ArmError(
      status,
      status === 429 ? "SubscriptionRequestsThrottled" : "InternalServerError",
      "Injected fault.",
    ).toBody();
  if (await sendFault(fault, reply, defaultBody)) return reply;
  const caller = await authenticateArm(emu, req.headers.authorization);
  const subscription = requireSubscription(emu, store, caller, route.subscriptionId);
  const apiVersion = url.searchParams.get("api-version") ?? undefined;
  if (route.apiType.startsWith("ns:")) checkNamespaceApiVersion(route.apiType.slice(3), apiVersion);
  else checkApiVersion(route.apiType, apiVersion);
  const kind = KIND[req.method] ?? "writes";
  const remaining = store.throttle.take(subscription.subscriptionId, kind);
  reply.header(`x-ms-ratelimit-remaining-subscription-${kind}`, String(remaining));
  const host = req.headers.host ?? new URL(emu.baseUrl).host;
  const res = await route.run({
    emu,
    store,
    method: req.method,
    path: url.pathname,
    query: url.searchParams,
    body: req.body,
    baseUrl: `https://${host}`,
    apiVersion: apiVersion ?? "",
    caller,
    subscription,
    fault,
  });
  reply.code(res.status).headers(res.headers ?? {});
  return res.body === undefined ? reply.send() : reply.send(res.body);
}

/** GET /subscriptions: the subscriptions of the caller's tenant on which the caller holds any role. */
async function listSubscriptions(
  emu: Emulator,
  store: ArmStore,
  req: FastifyRequest,
  reply: FastifyReply,
  url: URL,
): Promise<unknown> {
  const caller = await authenticateArm(emu, req.headers.authorization);
  const apiVersion = url.searchParams.get("api-version") ?? undefined;
  checkApiVersion("Microsoft.Resources/subscriptions", apiVersion);
  // Paged (subscriptions.json 2022-12-01, x-ms-pageable): `nextLink` only while more follow; `$skiptoken` is the
  // emulator's own continuation (real ARM's token is opaque).
  const token = url.searchParams.get("$skiptoken");
  const skip = token === null ? 0 : Number(token);
  if (!Number.isInteger(skip) || skip < 0)
    throw new ArmError(400, "InvalidSkipToken", `The skip token '${token}' is not valid.`);
  const mine = [...store.roleAssignments.values()].filter(
    (a) => a.principalId.toLowerCase() === caller.oid.toLowerCase(),
  );
  const value = [...store.subscriptions.values()]
    .filter((s) => s.tenantId.toLowerCase() === caller.tid.toLowerCase())
    .filter((s) =>
      mine.some((a) => a.scope.toLowerCase().startsWith(`/subscriptions/${s.subscriptionId.toLowerCase()}`)),
    )
    .map((s) => ({
      id: `/subscriptions/${s.subscriptionId}`,
      subscriptionId: s.subscriptionId,
      tenantId: s.tenantId,
      displayName: s.displayName,
      state: "Enabled",
    }));
  const size = emu.settings.listPageSize;
  const page = value.slice(skip, skip + size);
  if (skip + size >= value.length) return reply.code(200).send({ value: page });
  const next = new URL(`https://${req.headers.host ?? new URL(emu.baseUrl).host}/subscriptions`);
  next.searchParams.set("api-version", apiVersion ?? "");
  next.searchParams.set("$skiptoken", String(skip + size));
  return reply.code(200).send({ value: page, nextLink: next.toString() });
}

const ARM_ERRORS = {
  invalidJson: (m: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${m}'.`,
    ),
  response: (err: unknown) => (err instanceof ArmError ? armResponse(err) : undefined),
  internal: (m: string) => armResponse(new ArmError(500, "InternalServerError", m)),
};
const armResponse = (e: ArmError) => ({ status: e.status, headers: e.extra.headers ?? {}, body: e.toBody() });

export function registerArmRoutes(app: FastifyInstance, emu: Emulator, store: ArmStore): void {
  registerService(app, ARM_ERRORS, (scope) => {
    // Cloud metadata: no token, no subscription (metadata.ts).
    scope.get<{ Querystring: { "api-version"?: string } }>("/metadata/endpoints", async (req, reply) =>
      reply
        .code(200)
        .send(
          metadataEndpoints(
            req.headers.host ?? new URL(emu.baseUrl).host,
            emu.baseUrl,
            req.query["api-version"],
          ),
        ),
    );
    scope.all("/subscriptions", (req, reply) => handle(emu, store, req, reply));
    scope.all("/subscriptions/*", (req, reply) => handle(emu, store, req, reply));
    // @azure/arm-resources builds by-id URLs as "/{+resourceId}" → "//subscriptions/…"; ARM accepts it.
    scope.all("//subscriptions/*", (req, reply) => handle(emu, store, req, reply));
  });
}
