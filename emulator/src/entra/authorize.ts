import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Emulator } from "../emulator.js";
import type { Application } from "../core/directory.js";
import { newId } from "../core/ids.js";
import {
  accountsFor,
  isRegisteredRedirect,
  redirectBack,
  redirectError,
  sendErrorPage,
  sendHtml,
  str,
  type ResponseMode,
} from "./browser.js";
import { AadError, aad } from "./errors.js";
import { clientInfo } from "./issue.js";
import { accountPickerPage } from "./pages.js";
import { ensureAppInUserTenant, pickUser } from "./sign-in.js";
import type { EntraState, Interaction } from "./state.js";
import { resolveTenantSegment, type TenantSegment } from "./tenant.js";

const CODE_TTL_MS = 10 * 60 * 1000;
const INTERACTION_TTL_MS = 60 * 60 * 1000;

interface Validated {
  seg: TenantSegment;
  app: Application;
  redirectUri: string;
  spa: boolean;
  mode: ResponseMode;
}

/**
 * What Entra checks before it trusts the redirect URI (failures are error pages), then what it reports
 * back through it (failures are redirects).
 */
function validate(emu: Emulator, tenant: string, q: Record<string, string | undefined>): Validated {
  const seg = resolveTenantSegment(emu, tenant);
  const clientId = str(q.client_id);
  if (!clientId) throw aad.missingParam("client_id");
  const app = emu.directory.getApplication(clientId);
  if (!app) throw aad.appNotFound(clientId, seg.kind === "tenant" ? seg.tenant.displayName : seg.name);
  if (seg.kind !== "tenant" && app.signInAudience !== "AzureADMultipleOrgs")
    throw aad.singleTenantOnCommon(app.appId, app.displayName);
  const redirectUri = str(q.redirect_uri) ?? app.redirectUris.web[0] ?? "";
  const kind = isRegisteredRedirect(app, redirectUri);
  if (!kind) throw aad.invalidRedirect(redirectUri, app.appId);
  const mode = (
    ["query", "fragment", "form_post"].includes(q.response_mode ?? "") ? q.response_mode : "query"
  ) as ResponseMode;
  return { seg, app, redirectUri, spa: kind === "spa", mode };
}

function checkRequest(v: Validated, q: Record<string, string | undefined>): void {
  if (q.response_type !== "code") {
    throw new AadError(
      "unsupported_response_type",
      700054,
      `response_type '${q.response_type ?? ""}' is not enabled for the application.`,
    );
  }
  if (!str(q.scope)) throw aad.missingParam("scope");
  if (q.code_challenge && !["S256", "plain", undefined].includes(q.code_challenge_method)) {
    throw new AadError(
      "invalid_request",
      50148,
      "The code_challenge_method is not supported. Supported values: S256, plain.",
    );
  }
  if (v.spa && !q.code_challenge) {
    throw new AadError(
      "invalid_request",
      9002325,
      "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
    );
  }
  // No browser session is kept, so a silent request can never succeed (MSAL then falls back to interaction).
  if (q.prompt === "none")
    throw new AadError(
      "login_required",
      50058,
      "A silent sign-in request was sent but no user is signed in.",
    );
}

/** GET shows the account picker; POST (the picker's form) signs the chosen user in and issues the code. */
export function registerAuthorizeRoutes(app: FastifyInstance, emu: Emulator, state: EntraState): void {
  const path = "/:tenant/oauth2/v2.0/authorize";
  app.get<{ Params: { tenant: string }; Querystring: Record<string, string> }>(
    path,
    { config: { operation: "authorize" } },
    async (req, reply) => {
      let v: Validated;
      try {
        v = validate(emu, req.params.tenant, req.query);
      } catch (e) {
        return pageFor(emu, reply, e);
      }
      try {
        checkRequest(v, req.query);
      } catch (e) {
        if (!(e instanceof AadError)) throw e;
        return redirectError(emu, reply, v.redirectUri, v.mode, e, { state: req.query.state });
      }
      const interaction: Interaction = {
        kind: "authorize",
        version: 2,
        tenantSegment: req.params.tenant,
        params: req.query,
        expiresAtMs: emu.clock.nowMs() + INTERACTION_TTL_MS,
      };
      const ctx = state.put(state.interactions, interaction);
      return sendHtml(reply, picker(emu, req, v, ctx));
    },
  );

  app.post<{ Params: { tenant: string }; Body: Record<string, string> }>(
    path,
    { config: { operation: "authorize" } },
    async (req, reply) => {
      const interaction = state.interactions.get(req.body?.ctx ?? "");
      if (!interaction || interaction.kind !== "authorize" || emu.clock.nowMs() > interaction.expiresAtMs) {
        return sendErrorPage(
          emu,
          reply,
          new AadError(
            "invalid_request",
            50058,
            "Your sign-in session has expired. Start the sign-in again from the application.",
          ),
        );
      }
      const q = interaction.params;
      let v: Validated;
      try {
        v = validate(emu, interaction.tenantSegment, q);
      } catch (e) {
        return pageFor(emu, reply, e);
      }
      try {
        const picked = pickUser(emu, v.seg, str(req.body.login), v.app);
        if ("retry" in picked) return sendHtml(reply, picker(emu, req, v, req.body.ctx ?? "", picked.retry));
        const user = picked.user;
        ensureAppInUserTenant(emu, v.app, user, q.scope ?? "");
        state.interactions.delete(req.body.ctx ?? "");
        const code = state.put(state.codes, {
          clientId: v.app.appId,
          redirectUri: v.redirectUri,
          spa: v.spa,
          userId: user.id,
          tenantId: user.tenantId,
          scope: q.scope ?? "",
          nonce: str(q.nonce),
          codeChallenge: str(q.code_challenge),
          codeChallengeMethod: str(q.code_challenge_method) ?? (q.code_challenge ? "plain" : undefined),
          expiresAtMs: emu.clock.nowMs() + CODE_TTL_MS,
          redeemed: false,
        });
        return redirectBack(reply, v.redirectUri, v.mode, {
          code,
          client_info: q.client_info === "1" ? clientInfo(user) : undefined,
          state: q.state,
          session_state: newId(),
        });
      } catch (e) {
        if (!(e instanceof AadError)) throw e;
        if (e.code === 50020) return sendErrorPage(emu, reply, e);
        return redirectError(emu, reply, v.redirectUri, v.mode, e, { state: q.state });
      }
    },
  );
}

function picker(
  emu: Emulator,
  req: FastifyRequest<{ Params: { tenant: string } }>,
  v: Validated,
  ctx: string,
  error?: string,
): string {
  return accountPickerPage({
    action: `/${req.params.tenant}/oauth2/v2.0/authorize`,
    ctx,
    heading: "Pick an account",
    error,
    subtitle: `to continue to ${v.app.displayName}`,
    accounts: accountsFor(emu, v.seg),
  });
}

function pageFor(emu: Emulator, reply: FastifyReply, e: unknown): FastifyReply {
  if (!(e instanceof AadError)) throw e;
  return sendErrorPage(emu, reply, e);
}
