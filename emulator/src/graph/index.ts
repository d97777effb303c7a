import type { FastifyInstance } from "fastify";
import type { Emulator } from "../core/context.js";

export function createGraphService(emu: Emulator) {
  return { register(app: FastifyInstance): void { void app; void emu; } };
}
