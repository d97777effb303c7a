import type { Application } from "../core/directory.js";
import { requireRead } from "./auth.js";
import { notFound } from "./errors.js";
import { appJson, matchesFilter, parseEqFilter, select } from "./serialize.js";
import { GUID, type GraphRequest, type GraphRoute } from "./types.js";

/** `{objectId}` or `(appId='{appId}')`; applications are visible only in their home tenant. */
export const APP_KEY = `(?:/${GUID}|\\(appId='([^']+)'\\))`;

export function resolveApp(
  r: GraphRequest,
  objectId: string | undefined,
  appId: string | undefined,
): Application {
  const d = r.emu.directory;
  const app = objectId ? d.getApplicationByObjectId(objectId) : d.getApplication(appId ?? "");
  if (!app || app.homeTenantId.toLowerCase() !== r.caller.tenantId.toLowerCase())
    throw notFound(objectId ?? appId ?? "");
  return app;
}

/** Application objects (docs/azure-contracts.md §3.2). */
export const applicationRoutes: GraphRoute[] = [
  {
    method: "GET",
    pattern: /^\/applications$/,
    operation: "applications.list",
    handle(r) {
      requireRead(r.caller);
      const filter = parseEqFilter(
        r.query.get("$filter"),
        ["appId", "displayName", "id"],
        ["identifierUris"],
      );
      const value = r.emu.directory
        .listApplications()
        .filter((a) => a.homeTenantId.toLowerCase() === r.caller.tenantId.toLowerCase())
        .map(appJson)
        .filter((a) => matchesFilter(a, filter));
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}applications`,
          value: value.map((v) => select(v, r.query.get("$select"))),
        },
      };
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/applications${APP_KEY}$`),
    operation: "applications.get",
    handle(r, [objectId, appId]) {
      requireRead(r.caller);
      const app = resolveApp(r, objectId, appId);
      return {
        status: 200,
        body: {
          "@odata.context": `${r.context}applications/$entity`,
          ...select(appJson(app), r.query.get("$select")),
        },
      };
    },
  },
];
