/** Parsed `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{childName}]...`. */
export interface ResourceId {
  subscriptionId: string;
  resourceGroup: string;
  namespace: string;
  /** `Microsoft.Storage/storageAccounts` or `Microsoft.Sql/servers/keys` for children. */
  type: string;
  name: string;
  /** Id of the top-level resource (same as the id for a top-level resource). */
  parentId: string;
}

export function parseResourceId(id: string): ResourceId {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/((?:[^/]+\/[^/]+)(?:\/[^/]+\/[^/]+)*)$/i.exec(
      id.replace(/\/+$/, ""),
    );
  if (!m) throw new Error(`not a resource id: ${id}`);
  const [, subscriptionId = "", resourceGroup = "", namespace = "", rest = ""] = m;
  const parts = rest.split("/");
  const types = parts.filter((_, i) => i % 2 === 0);
  const name = parts[parts.length - 1] ?? "";
  const parentId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace}/${parts.slice(0, 2).join("/")}`;
  return {
    subscriptionId,
    resourceGroup,
    namespace,
    type: `${namespace}/${types.join("/")}`,
    name,
    parentId,
  };
}

export function tryParseResourceId(id: string): ResourceId | undefined {
  try {
    return parseResourceId(id);
  } catch {
    return undefined;
  }
}
