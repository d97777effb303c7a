import type { FastifyInstance } from "fastify";
import type { Emulator } from "../emulator.js";
import { sendHtml } from "./browser.js";
import { successPage } from "./pages.js";

/** Front-channel logout: no session is kept, so this only returns to post_logout_redirect_uri when given. */
export function registerLogoutRoutes(app: FastifyInstance, emu: Emulator): void {
  void emu;
  app.get<{ Querystring: { post_logout_redirect_uri?: string; state?: string } }>(
    "/:tenant/oauth2/v2.0/logout",
    { config: { operation: "logout" } },
    async (req, reply) => {
      const target = req.query.post_logout_redirect_uri;
      if (!target) return sendHtml(reply, successPage("You signed out of your account."));
      const url = new URL(target);
      if (req.query.state) url.searchParams.set("state", req.query.state);
      return reply.redirect(url.toString(), 302);
    },
  );
}
