import type { Application, FederatedIdentityCredential } from "../core/directory.js";
import { newId } from "../core/ids.js";
import { requireAppWrite, requireRead } from "./auth.js";
import { badRequest, notFound } from "./errors.js";
import { checkCollection, ficBodySchema, validateFic, type FicBody } from "./fic-rules.js";
import { APP_KEY, resolveApp } from "./applications.js";
import { ficJson, parseEqFilter } from "./serialize.js";
import type { GraphRequest, GraphRoute } from "./types.js";

const BASE = `^/applications${APP_KEY}/federatedIdentityCredentials`;

function parseBody(r: GraphRequest): FicBody {
  const parsed = ficBodySchema.safeParse(r.body);
  if (!parsed.success)
    throw badRequest(`Invalid request body: ${parsed.error.issues[0]?.message ?? "malformed"}.`);
  return parsed.data;
}

/** By id or by name, as Graph accepts either in the key segment. */
function find(app: Application, idOrName: string): FederatedIdentityCredential {
  const fic = app.federatedIdentityCredentials.find(
    (f) => f.id.toLowerCase() === idOrName.toLowerCase() || f.name === idOrName,
  );
  if (!fic) throw notFound(idOrName);
  return fic;
}

function create(app: Application, body: FicBody & { name: string }): FederatedIdentityCredential {
  validateFic(body);
  const fic: FederatedIdentityCredential = {
    id: newId(),
    name: body.name,
    issuer: body.issuer ?? "",
    subject: body.subject ?? "",
    audiences: body.audiences ?? [],
    description: body.description ?? null,
  };
  checkCollection(app, fic);
  app.federatedIdentityCredentials.push(fic);
  return fic;
}

function update(app: Application, fic: FederatedIdentityCredential, body: FicBody): void {
  if (body.name !== undefined && body.name !== fic.name)
    throw badRequest("Property 'name' is read-only and cannot be set.");
  const next = {
    ...fic,
    ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
  } as FederatedIdentityCredential;
  validateFic(next);
  checkCollection(app, next, fic);
  Object.assign(fic, next);
}

const entity = (r: GraphRequest, app: Application) =>
  `${r.context}applications('${app.id}')/federatedIdentityCredentials`;

/** Federated identity credentials of an application (docs/azure-contracts.md §3.3). */
export const federatedCredentialRoutes: GraphRoute[] = [
  {
    method: "GET",
    pattern: new RegExp(`${BASE}$`),
    operation: "federatedIdentityCredentials.list",
    handle(r, [objectId, appId]) {
      requireRead(r.caller);
      const app = resolveApp(r, objectId, appId);
      const filter = parseEqFilter(r.query.get("$filter"), ["name", "subject", "issuer"]);
      const value = app.federatedIdentityCredentials.filter(
        (f) => !filter || f[filter.property as "name" | "subject" | "issuer"] === filter.value,
      );
      return { status: 200, body: { "@odata.context": entity(r, app), value: value.map(ficJson) } };
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`${BASE}/([^/()]+)$`),
    operation: "federatedIdentityCredentials.get",
    handle(r, [objectId, appId, key = ""]) {
      requireRead(r.caller);
      const app = resolveApp(r, objectId, appId);
      return {
        status: 200,
        body: {
          "@odata.context": `${entity(r, app)}/$entity`,
          ...ficJson(find(app, decodeURIComponent(key))),
        },
      };
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`${BASE}$`),
    operation: "federatedIdentityCredentials.create",
    handle(r, [objectId, appId]) {
      const app = resolveApp(r, objectId, appId);
      requireAppWrite(r.caller, app);
      const body = parseBody(r);
      const fic = create(app, { ...body, name: body.name ?? "" });
      return { status: 201, body: { "@odata.context": `${entity(r, app)}/$entity`, ...ficJson(fic) } };
    },
  },
  {
    method: "PATCH",
    pattern: new RegExp(`${BASE}/([^/()]+)$`),
    operation: "federatedIdentityCredentials.update",
    handle(r, [objectId, appId, key = ""]) {
      const app = resolveApp(r, objectId, appId);
      requireAppWrite(r.caller, app);
      update(app, find(app, decodeURIComponent(key)), parseBody(r));
      return { status: 204 };
    },
  },
  {
    // Upsert by name: creates (201) when absent, updates (204) when present.
    method: "PATCH",
    pattern: new RegExp(`${BASE}\\(name='([^']+)'\\)$`),
    operation: "federatedIdentityCredentials.upsert",
    handle(r, [objectId, appId, name = ""]) {
      const app = resolveApp(r, objectId, appId);
      requireAppWrite(r.caller, app);
      const body = parseBody(r);
      const existing = app.federatedIdentityCredentials.find((f) => f.name === decodeURIComponent(name));
      if (existing) {
        update(app, existing, body);
        return { status: 204 };
      }
      const fic = create(app, { ...body, name: decodeURIComponent(name) });
      return { status: 201, body: { "@odata.context": `${entity(r, app)}/$entity`, ...ficJson(fic) } };
    },
  },
  {
    method: "DELETE",
    pattern: new RegExp(`${BASE}/([^/()]+)$`),
    operation: "federatedIdentityCredentials.delete",
    handle(r, [objectId, appId, key = ""]) {
      const app = resolveApp(r, objectId, appId);
      requireAppWrite(r.caller, app);
      const fic = find(app, decodeURIComponent(key));
      app.federatedIdentityCredentials = app.federatedIdentityCredentials.filter((f) => f !== fic);
      return { status: 204 };
    },
  },
];
