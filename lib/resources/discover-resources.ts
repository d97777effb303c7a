import "server-only";
import type { ResourceKind } from "@/lib/generated/prisma/enums";
import { getArmClient } from "@/lib/azure/arm";
import { AppError } from "@/lib/errors";
import { ARM_TYPES, getCmkModule } from "@/lib/cmk";

export interface DiscoveredResource {
  armId: string;
  kind: ResourceKind;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  region: string;
  /** What `observe()` reads: the resource's GET body (for SQL servers, their encryption protector's). */
  body: unknown;
}

const KIND_BY_TYPE = new Map(
  Object.entries(ARM_TYPES).map(([kind, type]) => [type.toLowerCase(), kind as ResourceKind]),
);
// A top-level resource, or one level below it (a SQL database: `Microsoft.Sql/servers/{server}/databases/{db}`).
const ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)(?:\/([^/]+)\/([^/]+))?$/i;

/** The ISV's resources of the managed types in the given subscriptions, each read in full. */
export async function discoverIsvResources(subscriptionIds: string[]): Promise<DiscoveredResource[]> {
  const found: DiscoveredResource[] = [];
  for (const subscriptionId of subscriptionIds) {
    const client = getArmClient(subscriptionId);
    for (const type of Object.values(ARM_TYPES)) {
      for await (const item of client.resources.list({ filter: `resourceType eq '${type}'` })) {
        // `master` is the server's system database: it follows the server's protector, never its own.
        if (item.id && !/\/databases\/master$/i.test(item.id)) found.push(await getResourceById(item.id));
      }
    }
  }
  return found;
}

/** One resource by its ARM ID; refuses IDs of other types. */
export async function getResourceById(input: string): Promise<DiscoveredResource> {
  const armId = input.trim();
  const m = ID.exec(armId);
  const type = m ? (m[5] ? `${m[3]}/${m[5]}` : m[3]!) : "";
  const kind = m ? KIND_BY_TYPE.get(type.toLowerCase()) : undefined;
  if (!m || !kind)
    throw new AppError(
      "BAD_REQUEST",
      "Crosskey manages storage accounts, Cosmos DB accounts, disk encryption sets, SQL servers and SQL databases; this ID is none of them.",
    );
  const cmk = getCmkModule(kind);
  const client = getArmClient(m[1]!);
  const body = await client.resources
    .getById(armId, cmk.apiVersion)
    .catch((error: { statusCode?: number; code?: string }) => {
      if (error.statusCode === 404)
        throw new AppError(
          "NOT_FOUND",
          "Azure has no resource with this ID (or the app's identity cannot see it).",
          {
            azureCode: error.code,
          },
        );
      if (error.statusCode === 403)
        throw new AppError(
          "FORBIDDEN",
          "The app's identity may not read this resource; give it Reader (or Contributor) on it.",
          {
            azureCode: error.code,
          },
        );
      throw error;
    });
  // A SQL server without a protector read yet is still listed; observe() then reads it as service-managed.
  const observed = cmk.observeId
    ? await client.resources.getById(cmk.observeId(armId).id, cmk.apiVersion).catch(() => null)
    : body;
  return {
    armId: body.id ?? armId,
    kind,
    // A database is shown with the server it lives on: `server/database`.
    name: m[6] ? `${m[4]}/${m[6]}` : m[4]!,
    subscriptionId: m[1]!.toLowerCase(),
    resourceGroup: m[2]!,
    region: body.location ?? "",
    body: observed ?? body,
  };
}
