import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Emulator } from "../emulator.js";
import type { Settings } from "../core/settings.js";
import { faultSpecSchema } from "../core/faults.js";
import { parseWorld } from "../world.js";
import { dumpState } from "./dump.js";

const settingsSchema = z
  .object({
    rolePropagationSeconds: z.number().min(0),
    armWritesPerSecond: z.number().positive(),
    armWriteBurst: z.number().int().positive(),
    lroSeconds: z.number().min(0),
    consentPropagationSeconds: z.number().min(0),
    listPageSize: z.number().int().positive(),
  })
  .partial()
  .strict();

const advanceSchema = z.object({ seconds: z.number() });
const setClockSchema = z.union([
  z.object({ now: z.iso.datetime({ offset: true }) }),
  z.object({ nowMs: z.number().int() }),
]);

function invalid(reply: FastifyReply, error: z.ZodError | Error): FastifyReply {
  const issues =
    error instanceof z.ZodError
      ? error.issues.map((i) => ({ path: i.path.join("."), message: i.message }))
      : undefined;
  return reply.code(400).send({
    error: {
      code: "InvalidRequest",
      message: error instanceof z.ZodError ? "The request body is not valid." : error.message,
      issues,
    },
  });
}

/**
 * The control API for tests and the demo launcher. It has no authentication: the emulator listens on
 * loopback only, and this is a development tool.
 */
export function createControlService(emu: Emulator) {
  return {
    register(app: FastifyInstance): void {
      void app.register(async (s) => {
        // `curl -X POST .../reset -H content-type:application/json` with no body is a reset, not an error.
        s.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
          const text = String(body).trim();
          try {
            done(null, text ? JSON.parse(text) : undefined);
          } catch (e) {
            done(e as Error);
          }
        });
        s.get("/_emulator/health", async () => ({
          status: "ok",
          baseUrl: emu.baseUrl,
          now: emu.clock.now().toISOString(),
        }));
        s.get("/_emulator/state", async () => dumpState(emu));
        // Proxy mode: tunnels opened per real host, and every host it refused (README, "Proxy mode").
        s.get("/_emulator/proxy", async () => emu.proxyLog.describe());
        s.delete("/_emulator/proxy", async (_req, reply) => {
          emu.proxyLog.clear();
          return reply.code(204).send();
        });
        s.get("/_emulator/stats", async () => ({
          arm: emu.arm.throttle.counts,
          entra: {
            tokens: [...emu.tokenCounts.values()].reduce((a, b) => a + b, 0),
            tokensByTenant: Object.fromEntries(emu.tokenCounts),
          },
        }));

        const load = async (body: unknown, reply: FastifyReply) => {
          try {
            await emu.reset(
              body === undefined || body === null
                ? undefined
                : parseWorld(body, { emulator: emu.authority, app: emu.appBaseUrl }),
            );
          } catch (e) {
            if (e instanceof z.ZodError || e instanceof Error) return invalid(reply, e);
            throw e;
          }
          return reply.send({ status: "reset", tenants: emu.directory.listTenants().length });
        };
        s.post("/_emulator/reset", async (req, reply) => load(req.body, reply));
        s.put("/_emulator/world", async (req, reply) =>
          req.body ? load(req.body, reply) : invalid(reply, new Error("A world JSON body is required.")),
        );

        s.get("/_emulator/faults", async () => ({ value: emu.faults.list() }));
        s.post("/_emulator/faults", async (req, reply) => {
          const parsed = faultSpecSchema.safeParse(req.body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          try {
            return reply.code(201).send(emu.faults.add(parsed.data));
          } catch (e) {
            return invalid(reply, e as Error);
          }
        });
        s.delete("/_emulator/faults", async (_req, reply) => {
          emu.faults.clear();
          return reply.code(204).send();
        });
        s.delete<{ Params: { id: string } }>("/_emulator/faults/:id", async (req, reply) =>
          emu.faults.remove(req.params.id)
            ? reply.code(204).send()
            : reply.code(404).send({ error: { code: "NotFound", message: "No such fault." } }),
        );

        s.get("/_emulator/clock", async () => emu.clock.describe());
        s.post("/_emulator/clock/advance", async (req, reply) => {
          const parsed = advanceSchema.safeParse(req.body);
          if (!parsed.success) return invalid(reply, parsed.error);
          emu.clock.advance(parsed.data.seconds);
          return emu.clock.describe();
        });
        s.put("/_emulator/clock", async (req, reply) => {
          const parsed = setClockSchema.safeParse(req.body);
          if (!parsed.success) return invalid(reply, parsed.error);
          emu.clock.set("now" in parsed.data ? Date.parse(parsed.data.now) : parsed.data.nowMs);
          return emu.clock.describe();
        });

        s.get("/_emulator/settings", async () => emu.settings);
        s.patch("/_emulator/settings", async (req, reply) => {
          const parsed = settingsSchema.safeParse(req.body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          Object.assign(emu.settings, parsed.data as Partial<Settings>);
          return emu.settings;
        });
      });
    },
  };
}
