import type { FastifyInstance } from "fastify";
import type { Emulator } from "../core/context.js";
import type { ArmStore } from "./store.js";

export function registerArmRoutes(app: FastifyInstance, emu: Emulator, store: ArmStore): void {
  void emu; void store;
  app.all("/subscriptions/*", async (_req, reply) => reply.code(501).send({ error: { code: "NotImplemented", message: "ARM is being built" } }));
}
