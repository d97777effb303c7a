import { requireTenantInfo } from "./auth.js";
import { notFound } from "./errors.js";
import { organizationJson } from "./serialize.js";
import type { GraphRoute } from "./types.js";

/** The caller's own tenant, and basic information about any tenant (docs/azure-contracts.md §3.4). */
export const organizationRoutes: GraphRoute[] = [
  {
    method: "GET",
    pattern: /^\/organization$/,
    operation: "organization.list",
    handle(r) {
      const t = r.emu.directory.getTenant(r.caller.tenantId);
      return {
        status: 200,
        body: { "@odata.context": `${r.context}organization`, value: t ? [organizationJson(t)] : [] },
      };
    },
  },
  {
    method: "GET",
    pattern:
      /^\/tenantRelationships\/findTenantInformationBy(TenantId\(tenantId|DomainName\(domainName)='([^']+)'\)$/,
    operation: "tenantRelationships.findTenantInformation",
    handle(r, [, key = ""]) {
      requireTenantInfo(r.caller);
      const t = r.emu.directory.getTenant(key);
      if (!t) throw notFound(key);
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}microsoft.graph.tenantInformation`,
          tenantId: t.id,
          federationBrandName: null,
          displayName: t.displayName,
          defaultDomainName: t.defaultDomain,
        },
      };
    },
  },
];
