import type { FastifyReply } from "fastify";
import type { Emulator } from "../emulator.js";
import type { Application } from "../core/directory.js";
import { AadError, describe } from "./errors.js";
import { errorPage, formPostPage, type AccountChoice } from "./pages.js";
import type { TenantSegment } from "./tenant.js";

export type ResponseMode = "query" | "fragment" | "form_post";

/** Sends the user agent back to the client, as Entra does for the given response_mode. */
export function redirectBack(
  reply: FastifyReply,
  redirectUri: string,
  mode: ResponseMode,
  fields: Record<string, string | undefined>,
): FastifyReply {
  const clean = Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  );
  if (mode === "form_post")
    return reply.type("text/html; charset=utf-8").send(formPostPage(redirectUri, clean));
  const params = new URLSearchParams(clean).toString();
  if (mode === "fragment") return reply.redirect(`${redirectUri}#${params}`, 302);
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(clean)) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

/** An AADSTS failure reported to the client through the redirect URI. */
export function redirectError(
  emu: Emulator,
  reply: FastifyReply,
  redirectUri: string,
  mode: ResponseMode,
  err: AadError,
  extra: Record<string, string | undefined> = {},
): FastifyReply {
  return redirectBack(reply, redirectUri, mode, {
    error: err.error,
    error_description: describe(err, emu.clock.now()),
    ...extra,
  });
}

/** Failures Entra shows on its own page because the redirect URI cannot be trusted (yet). */
export function sendErrorPage(emu: Emulator, reply: FastifyReply, err: AadError): FastifyReply {
  return reply
    .code(err.status)
    .type("text/html; charset=utf-8")
    .send(errorPage({ code: err.code, text: err.text, now: emu.clock.now() }));
}

export const sendHtml = (reply: FastifyReply, html: string): FastifyReply =>
  reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);

export const isRegisteredRedirect = (app: Application, uri: string): "web" | "spa" | undefined =>
  app.redirectUris.web.includes(uri) ? "web" : app.redirectUris.spa.includes(uri) ? "spa" : undefined;

/** Accounts offered on the picker: the tenant's users, or everyone for `organizations`/`common`. */
export function accountsFor(emu: Emulator, seg: TenantSegment): AccountChoice[] {
  const tenants = seg.kind === "tenant" ? [seg.tenant] : emu.directory.listTenants();
  return tenants.flatMap((t) =>
    t.users.map((u) => ({ upn: u.upn, displayName: u.displayName, tenantName: t.displayName })),
  );
}

export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
