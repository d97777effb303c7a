import type { FastifyInstance, FastifyReply } from "fastify";
import type { Emulator } from "../emulator.js";
import type { Application } from "../core/directory.js";
import { CONSENT_ADMIN_ROLES, hasAnyRole } from "../core/roles.js";
import {
  accountsFor,
  isRegisteredRedirect,
  redirectBack,
  redirectError,
  sendErrorPage,
  sendHtml,
  str,
} from "./browser.js";
import { AadError, aad, describe } from "./errors.js";
import { accountPickerPage, consentPage, needAdminApprovalPage, successPage } from "./pages.js";
import { pickUser } from "./sign-in.js";
import type { EntraState, Interaction } from "./state.js";
import { resolveTenantSegment, type TenantSegment } from "./tenant.js";

const TTL_MS = 60 * 60 * 1000;
type Q = Record<string, string | undefined>;
interface Validated {
  seg: TenantSegment;
  app: Application;
  redirectUri?: string;
}

/** Checks made before the redirect URI is trusted: failures are error pages, never redirects (§1.1). */
function validate(emu: Emulator, tenant: string, q: Q, version: 1 | 2): Validated {
  const seg = resolveTenantSegment(emu, tenant);
  const clientId = str(q.client_id);
  if (!clientId) throw aad.missingParam("client_id");
  const app = emu.directory.getApplication(clientId);
  if (!app) throw aad.appNotFound(clientId, seg.kind === "tenant" ? seg.tenant.displayName : seg.name);
  const redirectUri = str(q.redirect_uri);
  if (!redirectUri && version === 2) throw aad.missingParam("redirect_uri");
  if (redirectUri && !isRegisteredRedirect(app, redirectUri))
    throw aad.invalidRedirect(redirectUri, app.appId);
  return { seg, app, redirectUri };
}

/**
 * Admin consent, v2 (`/{tenant}/v2.0/adminconsent`, scope required) and v1 (`/{tenant}/adminconsent`):
 * pick an account → consent page → redirect with admin_consent=True, or with the error Entra reports.
 */
export function registerAdminConsentRoutes(app: FastifyInstance, emu: Emulator, state: EntraState): void {
  for (const version of [2, 1] as const) {
    const path = version === 2 ? "/:tenant/v2.0/adminconsent" : "/:tenant/adminconsent";
    app.get<{ Params: { tenant: string }; Querystring: Q }>(
      path,
      { config: { operation: "adminconsent" } },
      async (req, reply) => {
        let v: Validated;
        try {
          v = validate(emu, req.params.tenant, req.query, version);
        } catch (e) {
          return page(emu, reply, e);
        }
        if (version === 2 && !str(req.query.scope) && v.redirectUri) {
          return redirectError(emu, reply, v.redirectUri, "query", aad.missingParam("scope"), {
            state: req.query.state,
          });
        }
        const ctx = state.put(state.interactions, {
          kind: "adminconsent",
          version,
          tenantSegment: req.params.tenant,
          params: req.query as Record<string, string>,
          expiresAtMs: emu.clock.nowMs() + TTL_MS,
        });
        return sendHtml(reply, picker(emu, path.replace(":tenant", req.params.tenant), v, ctx));
      },
    );

    app.post<{ Params: { tenant: string }; Body: Q }>(
      path,
      { config: { operation: "adminconsent" } },
      async (req, reply) => {
        const ctx = req.body?.ctx ?? "";
        const it = state.interactions.get(ctx);
        if (!it || it.kind !== "adminconsent" || emu.clock.nowMs() > it.expiresAtMs) {
          return page(
            emu,
            reply,
            new AadError(
              "invalid_request",
              50058,
              "Your sign-in session has expired. Start again from the application.",
            ),
          );
        }
        let v: Validated;
        try {
          v = validate(emu, it.tenantSegment, it.params, it.version);
        } catch (e) {
          return page(emu, reply, e);
        }
        const action = path.replace(":tenant", req.params.tenant);
        if (req.body.decision) return decide(emu, reply, state, ctx, it, v, req.body.decision === "accept");
        let picked;
        try {
          picked = pickUser(emu, v.seg, str(req.body.login), v.app);
        } catch (e) {
          return page(emu, reply, e);
        }
        if ("retry" in picked) return sendHtml(reply, picker(emu, action, v, ctx, picked.retry));
        const user = picked.user;
        if (!hasAnyRole(user.directoryRoles, CONSENT_ADMIN_ROLES)) {
          state.interactions.delete(ctx);
          const err = new AadError(
            "access_denied",
            90094,
            "Admin consent is required for the permissions requested by this application. An admin consent request may be sent to the admin.",
          );
          const back = v.redirectUri
            ? returnUrl(v.redirectUri, {
                error: err.error,
                error_description: describe(err, emu.clock.now()),
                state: it.params.state,
              })
            : "about:blank";
          return sendHtml(
            reply.code(200),
            needAdminApprovalPage({ appName: v.app.displayName, upn: user.upn, returnUrl: back }),
          );
        }
        it.userId = user.id;
        it.userTenantId = user.tenantId;
        const tenantName = emu.directory.getTenant(user.tenantId)?.displayName ?? user.tenantId;
        return sendHtml(
          reply,
          consentPage({
            action,
            ctx,
            appName: v.app.displayName,
            publisher: v.app.publisherName ?? v.app.publisherDomain,
            verified: Boolean(v.app.publisherName),
            upn: user.upn,
            tenantName,
            permissions: (it.params.scope ?? "Sign in and read user profile").split(/\s+/).filter(Boolean),
          }),
        );
      },
    );
  }
}

function decide(
  emu: Emulator,
  reply: FastifyReply,
  state: EntraState,
  ctx: string,
  it: Interaction,
  v: Validated,
  accepted: boolean,
): FastifyReply {
  state.interactions.delete(ctx);
  const tenantId = it.userTenantId;
  if (!tenantId) return page(emu, reply, new AadError("invalid_request", 50058, "No account was chosen."));
  const q = it.params;
  if (!accepted) {
    const err = new AadError("access_denied", 65004, "User declined to consent to access the app.");
    if (!v.redirectUri) return sendHtml(reply, successPage("Consent was not granted."));
    return redirectError(emu, reply, v.redirectUri, "query", err, {
      error_subcode: "cancel",
      state: q.state,
    });
  }
  if (!emu.directory.findServicePrincipal(tenantId, v.app.appId))
    emu.directory.createServicePrincipal(tenantId, v.app.appId, {
      propagationSeconds: emu.settings.consentPropagationSeconds,
    });
  if (!v.redirectUri) return sendHtml(reply, successPage("Permissions granted."));
  const fields =
    it.version === 2
      ? { admin_consent: "True", tenant: tenantId, scope: q.scope, state: q.state }
      : { admin_consent: "True", tenant: tenantId, state: q.state };
  return redirectBack(reply, v.redirectUri, "query", fields);
}

function picker(emu: Emulator, action: string, v: Validated, ctx: string, error?: string): string {
  return accountPickerPage({
    action,
    ctx,
    heading: "Pick an account",
    subtitle: `to grant permissions to ${v.app.displayName}`,
    accounts: accountsFor(emu, v.seg),
    error,
  });
}

function returnUrl(redirectUri: string, fields: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, val] of Object.entries(fields)) if (val !== undefined) url.searchParams.set(k, val);
  return url.toString();
}

function page(emu: Emulator, reply: FastifyReply, e: unknown): FastifyReply {
  if (!(e instanceof AadError)) throw e;
  return sendErrorPage(emu, reply, e);
}
