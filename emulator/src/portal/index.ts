import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Emulator } from "../emulator.js";
import { PortalActions } from "./actions.js";
import { renderPortal } from "./page.js";

// The ISV app customers grant access to; the demo world's CMK app (CONTRACT.md).
const DEFAULT_ISV_APP = "22222222-2222-4222-8222-222222222222";

const base = z.object({ tenant: z.string() });
const forms = {
  install: base,
  vault: base.extend({
    subscriptionId: z.string(),
    resourceGroup: z.string().min(1),
    name: z.string(),
    location: z.string().min(1),
    purgeProtection: z.string().optional(),
  }),
  key: base.extend({
    vault: z.string(),
    name: z.string(),
    kty: z.string(),
    size: z.coerce.number().optional(),
  }),
  grant: base.extend({ scope: z.string() }),
  "hsm-key": base.extend({ hsm: z.string(), name: z.string(), size: z.coerce.number().optional() }),
  "hsm-grant": base.extend({ hsm: z.string(), key: z.string() }),
  "key-enabled": base.extend({ vault: z.string(), key: z.string(), enabled: z.enum(["true", "false"]) }),
};

/** The demo page at `/`: pick a tenant, act as its admin (post/redirect/get, works without JavaScript). */
export function createPortalService(emu: Emulator) {
  const isvAppId = () =>
    emu.directory.getApplication(DEFAULT_ISV_APP)?.appId ??
    emu.directory.listApplications().find((a) => a.signInAudience === "AzureADMultipleOrgs")?.appId ??
    "";
  return {
    register(app: FastifyInstance): void {
      const actions = new PortalActions(emu, app);
      void app.register(async (s) => {
        await s.register(formbody);
        s.get<{ Querystring: { tenant?: string; msg?: string; err?: string } }>("/", async (req, reply) => {
          const tenant = req.query.tenant ? emu.directory.getTenant(req.query.tenant) : undefined;
          const message = req.query.err
            ? { text: req.query.err, error: true }
            : req.query.msg
              ? { text: req.query.msg, error: false }
              : undefined;
          return reply
            .type("text/html; charset=utf-8")
            .send(renderPortal(emu, { tenant, message, isvAppId: isvAppId() }));
        });
        s.post<{ Params: { action: keyof typeof forms } }>("/_portal/:action", async (req, reply) => {
          const schema = forms[req.params.action];
          const parsed = schema?.safeParse(req.body);
          if (!parsed?.success) return back(reply, "", "That form was incomplete.", true);
          const tenantId = parsed.data.tenant;
          const admin = actions.adminOf(tenantId);
          if (!admin)
            return back(reply, tenantId, "This tenant has no Global Administrator to act as.", true);
          try {
            const d = parsed.data as Record<string, string | number | undefined>;
            const str = (k: string) => String(d[k] ?? "");
            switch (req.params.action) {
              case "install":
                await actions.installApp(admin, isvAppId());
                return back(reply, tenantId, "The ISV app is installed (service principal created).");
              case "vault":
                await actions.createVault(admin, {
                  subscriptionId: str("subscriptionId"),
                  resourceGroup: str("resourceGroup"),
                  name: str("name"),
                  location: str("location"),
                  purgeProtection: d.purgeProtection === "true",
                });
                return back(
                  reply,
                  tenantId,
                  `Vault ${str("name")} created; you hold Key Vault Crypto Officer on it.`,
                );
              case "key":
                await actions.createKey(admin, str("vault"), {
                  name: str("name"),
                  kty: str("kty"),
                  size: typeof d.size === "number" ? d.size : undefined,
                });
                return back(reply, tenantId, `Key ${str("name")} created in ${str("vault")}.`);
              case "grant":
                await actions.grantIsvApp(admin, str("scope"), isvAppId());
                return back(
                  reply,
                  tenantId,
                  "Key Vault Crypto Service Encryption User granted to the ISV app.",
                );
              case "hsm-key":
                await actions.createHsmKey(admin, str("hsm"), {
                  name: str("name"),
                  size: typeof d.size === "number" ? d.size : undefined,
                });
                return back(
                  reply,
                  tenantId,
                  `Key ${str("name")} created in ${str("hsm")}; you hold Managed HSM Crypto User on its keys (local RBAC).`,
                );
              case "hsm-grant":
                await actions.grantIsvAppOnHsm(admin, str("hsm"), str("key"), isvAppId());
                return back(
                  reply,
                  tenantId,
                  `Managed HSM Crypto Service Encryption User granted to the ISV app on key ${str("key")} (local RBAC).`,
                );
              case "key-enabled":
                await actions.setKeyEnabled(admin, str("vault"), str("key"), d.enabled === "true");
                return back(
                  reply,
                  tenantId,
                  `Key ${str("key")} ${d.enabled === "true" ? "enabled" : "disabled"}.`,
                );
            }
          } catch (e) {
            return back(reply, tenantId, e instanceof Error ? e.message : String(e), true);
          }
        });
      });
    },
  };
}

function back(reply: FastifyReply, tenant: string, text: string, error = false): FastifyReply {
  const q = new URLSearchParams({ ...(tenant ? { tenant } : {}), [error ? "err" : "msg"]: text });
  return reply.redirect(`/?${q}`, 303);
}
