import { ArmError } from "./errors.js";
import { roleAssignments, roleDefinitions } from "./handlers/authorization.js";
import { listByType, listGeneric } from "./handlers/lists.js";
import { PROVIDERS } from "./handlers/providers.js";
import { listResourceGroups, resourceGroup } from "./handlers/resource-groups.js";
import { pollOperation } from "./lro-http.js";
import { parseResourceId } from "./resource-id.js";
import type { ArmContext, ArmResponse } from "./types.js";

/** A matched ARM route: which api-version table applies, the operation name (for faults) and the handler. */
export interface ArmRoute {
  subscriptionId: string;
  /** Resource type for the api-version check, or `ns:{namespace}` for operation-status URLs. */
  apiType: string;
  operation: string;
  run(ctx: ArmContext): ArmResponse | Promise<ArmResponse>;
}

const METHOD_ACTION: Record<string, string> = {
  GET: "read",
  HEAD: "read",
  PUT: "write",
  PATCH: "write",
  POST: "action",
  DELETE: "delete",
};
const notSupported = (path: string) =>
  new ArmError(400, "NoRegisteredProviderFound", `The emulator does not serve '${path}'.`);

export function matchRoute(method: string, path: string): ArmRoute {
  const clean = path.replace(/\/+$/, "");
  const seg = clean.split("/").slice(1).map(decodeURIComponent);
  const sub = seg[1] ?? "";
  const verb = METHOD_ACTION[method] ?? "action";
  if (seg[0]?.toLowerCase() !== "subscriptions" || !sub) throw notSupported(path);
  const lower = seg.map((s) => s.toLowerCase());
  // {scope}/providers/Microsoft.Authorization/{roleAssignments|roleDefinitions}[/{name}] at any scope.
  const authz = lower.lastIndexOf("microsoft.authorization");
  if (authz > 0 && lower[authz - 1] === "providers") {
    const scope = `/${seg.slice(0, authz - 1).join("/")}`;
    const kind = lower[authz + 1];
    const name = seg[authz + 2];
    if (kind === "roleassignments")
      return {
        subscriptionId: sub,
        apiType: "Microsoft.Authorization/roleAssignments",
        operation: `Microsoft.Authorization/roleAssignments/${verb}`,
        run: (c) => roleAssignments(c, scope, name),
      };
    if (kind === "roledefinitions")
      return {
        subscriptionId: sub,
        apiType: "Microsoft.Authorization/roleDefinitions",
        operation: "Microsoft.Authorization/roleDefinitions/read",
        run: (c) => roleDefinitions(c, scope, name),
      };
    throw notSupported(path);
  }
  if (seg.length === 8 && lower[2] === "providers" && lower[4] === "locations") {
    const [ns = "", kind = "", id = ""] = [seg[3], seg[6], seg[7]];
    return {
      subscriptionId: sub,
      apiType: `ns:${ns}`,
      operation: `${ns}/locations/operations/read`,
      run: (c) => pollOperation(c, kind, id, `${c.baseUrl}${path}?${c.query.toString()}`),
    };
  }
  if (seg.length === 2) {
    return {
      subscriptionId: sub,
      apiType: "Microsoft.Resources/subscriptions",
      operation: "Microsoft.Resources/subscriptions/read",
      run: (c) => ({
        status: 200,
        body: {
          id: `/subscriptions/${c.subscription.subscriptionId}`,
          subscriptionId: c.subscription.subscriptionId,
          tenantId: c.subscription.tenantId,
          displayName: c.subscription.displayName,
          state: "Enabled",
        },
      }),
    };
  }
  if (lower[2] === "resources" && seg.length === 3)
    return {
      subscriptionId: sub,
      apiType: "Microsoft.Resources/resources",
      operation: "Microsoft.Resources/resources/read",
      run: (c) => listGeneric(c, `/subscriptions/${sub}`),
    };
  if (lower[2] === "resourcegroups") {
    const rg = seg[3];
    if (!rg)
      return {
        subscriptionId: sub,
        apiType: "Microsoft.Resources/resourceGroups",
        operation: "Microsoft.Resources/subscriptions/resourceGroups/read",
        run: listResourceGroups,
      };
    if (seg.length === 4)
      return {
        subscriptionId: sub,
        apiType: "Microsoft.Resources/resourceGroups",
        operation: `Microsoft.Resources/subscriptions/resourceGroups/${verb}`,
        run: (c) => resourceGroup(c, rg),
      };
    if (seg.length === 5 && lower[4] === "resources")
      return {
        subscriptionId: sub,
        apiType: "Microsoft.Resources/resources",
        operation: "Microsoft.Resources/resources/read",
        run: (c) => listGeneric(c, `/subscriptions/${sub}/resourceGroups/${rg}`),
      };
  }
  // …/providers/{ns}/{type} lists, and …/providers/{ns}/{type}/{name}[/{child}/{childName}] resources.
  const p = lower.indexOf("providers");
  if (p < 0) throw notSupported(path);
  const ns = seg[p + 1] ?? "";
  const rest = seg.slice(p + 2);
  if (rest.length === 1 && method === "GET") {
    const provider = PROVIDERS.get(`${ns}/${rest[0]}`.toLowerCase());
    if (!provider) throw notSupported(path);
    const prefix = `/${seg.slice(0, p).join("/")}`;
    return {
      subscriptionId: sub,
      apiType: provider.type,
      operation: `${provider.type}/read`,
      run: (c) => listByType(c, prefix, provider),
    };
  }
  if (
    method === "POST" &&
    lower[2] === "resourcegroups" &&
    p === 4 &&
    rest.length >= 3 &&
    rest.length % 2 === 1
  )
    return actionRoute(sub, clean);
  if (lower[2] !== "resourcegroups" || p !== 4 || rest.length < 2 || rest.length % 2 !== 0)
    throw notSupported(path);
  const id = parseResourceId(clean);
  const provider = PROVIDERS.get(id.type.toLowerCase());
  return {
    subscriptionId: sub,
    apiType: id.type,
    operation: `${provider?.type ?? id.type}/${verb}`,
    run: async (c) => {
      const fn =
        provider?.[method === "HEAD" ? "get" : (method.toLowerCase() as "get" | "put" | "patch" | "delete")];
      if (!provider || !fn)
        throw new ArmError(
          405,
          "MethodNotAllowed",
          `The emulator does not support ${method} on '${id.type}'.`,
        );
      const res = await fn.call(provider, c, id, c.store.getResource(clean));
      return method === "HEAD" ? { status: res.status === 200 ? 204 : res.status } : res;
    },
  };
}

/** `POST {resourceId}/{action}`: a provider action, authorized and versioned as its resource type. */
function actionRoute(sub: string, clean: string): ArmRoute {
  const cut = clean.lastIndexOf("/");
  const action = decodeURIComponent(clean.slice(cut + 1));
  const resourceId = clean.slice(0, cut);
  const id = parseResourceId(resourceId);
  const provider = PROVIDERS.get(id.type.toLowerCase());
  return {
    subscriptionId: sub,
    apiType: id.type,
    operation: `${provider?.type ?? id.type}/${action}/action`,
    run: async (c) => {
      if (!provider?.action)
        throw new ArmError(
          405,
          "MethodNotAllowed",
          `The emulator does not support POST '${action}' on '${id.type}'.`,
        );
      return provider.action(c, id, c.store.getResource(resourceId), action);
    },
  };
}
