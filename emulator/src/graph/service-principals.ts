import { z } from "zod";
import type { ServicePrincipal } from "../core/directory.js";
import { requireRead, requireSpCreate } from "./auth.js";
import { GraphError, badRequest, notFound } from "./errors.js";
import { matchesFilter, parseEqFilter, select, spJson } from "./serialize.js";
import { GUID, type GraphRequest, type GraphRoute } from "./types.js";

const createSchema = z.object({ appId: z.string() }).passthrough();

function render(r: GraphRequest, sp: ServicePrincipal): Record<string, unknown> {
  const app = r.emu.directory.getApplication(sp.appId);
  return spJson(sp, app?.appRoles, app?.publisherName);
}

function byAppId(r: GraphRequest, appId: string): ServicePrincipal {
  const sp = r.emu.directory.findServicePrincipal(r.caller.tenantId, appId);
  if (!sp) throw notFound(appId);
  return sp;
}

/** Service principals of the caller's tenant (docs/azure-contracts.md §3.1). */
export const servicePrincipalRoutes: GraphRoute[] = [
  {
    method: "GET",
    pattern: /^\/servicePrincipals$/,
    operation: "servicePrincipals.list",
    handle(r) {
      requireRead(r.caller);
      const filter = parseEqFilter(
        r.query.get("$filter"),
        ["appId", "displayName", "id"],
        ["servicePrincipalNames"],
      );
      const value = r.emu.directory
        .listServicePrincipals(r.caller.tenantId)
        .map((sp) => render(r, sp))
        .filter((sp) => matchesFilter(sp, filter));
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}servicePrincipals`,
          value: value.map((v) => select(v, r.query.get("$select"))),
        },
      };
    },
  },
  {
    method: "GET",
    pattern: /^\/servicePrincipals\(appId='([^']+)'\)$/,
    operation: "servicePrincipals.get",
    handle(r, [appId = ""]) {
      requireRead(r.caller);
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}servicePrincipals/$entity`,
          ...select(render(r, byAppId(r, appId)), r.query.get("$select")),
        },
      };
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/servicePrincipals/${GUID}$`),
    operation: "servicePrincipals.get",
    handle(r, [id = ""]) {
      requireRead(r.caller);
      const sp = r.emu.directory.getServicePrincipalById(r.caller.tenantId, id);
      if (!sp) throw notFound(id);
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}servicePrincipals/$entity`,
          ...select(render(r, sp), r.query.get("$select")),
        },
      };
    },
  },
  {
    // Graph "Delete servicePrincipal": 204; the app loses every consent in this tenant.
    method: "DELETE",
    pattern: new RegExp(`^/servicePrincipals/${GUID}$`),
    operation: "servicePrincipals.delete",
    handle(r, [id = ""]) {
      requireSpCreate(r.caller);
      if (!r.emu.directory.deleteServicePrincipal(r.caller.tenantId, id)) throw notFound(id);
      return { status: 204, body: undefined };
    },
  },
  {
    method: "POST",
    pattern: /^\/servicePrincipals$/,
    operation: "servicePrincipals.create",
    handle(r) {
      requireSpCreate(r.caller);
      const parsed = createSchema.safeParse(r.body);
      if (!parsed.success) throw badRequest("Property 'appId' is required and must be a string.");
      const { appId } = parsed.data;
      const d = r.emu.directory;
      if (d.findServicePrincipal(r.caller.tenantId, appId)) {
        throw new GraphError(
          409,
          "Request_MultipleObjectsWithSameKeyValue",
          `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
        );
      }
      const app = d.getApplication(appId);
      // A single-tenant app cannot be instantiated outside its home tenant, exactly like an unknown app id.
      if (!app || (app.signInAudience !== "AzureADMultipleOrgs" && app.homeTenantId !== r.caller.tenantId)) {
        throw badRequest(
          `The appId '${appId}' of the service principal does not reference a valid application object.`,
        );
      }
      const sp = d.createServicePrincipal(r.caller.tenantId, appId, {
        propagationSeconds: r.emu.settings.consentPropagationSeconds,
      });
      return {
        status: 201,
        body: { "@odata.context": `${r.context}servicePrincipals/$entity`, ...render(r, sp) },
      };
    },
  },
];
