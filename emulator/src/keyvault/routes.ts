import type { FastifyInstance } from "fastify";
import type { Emulator } from "../core/context.js";
import type { KeyVaultStore } from "./store.js";

export function registerKeyVaultRoutes(app: FastifyInstance, emu: Emulator, store: KeyVaultStore): void {
  void emu; void store;
  app.all("/keyvault/*", async (_req, reply) => reply.code(501).send({ error: { code: "NotImplemented", message: "Key Vault is being built" } }));
}
