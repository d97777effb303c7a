import { z } from "zod";
import { armWorldSchema } from "./arm/world.js";
import { directoryWorldSchema } from "./core/world.js";

/** A world file: the directory (core/world.ts) and each service's resources, validated with zod. */
export const worldSchema = directoryWorldSchema.extend({
  arm: armWorldSchema.prefault({}),
});

export type World = z.infer<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;

/**
 * Parses a world (throws a readable zod error); `{emulator}` in any string becomes the emulator's base URL
 * and `{app}` the app's, so registered redirect URIs follow whatever port the app runs on.
 */
export function parseWorld(input: unknown, urls: { emulator: string; app: string }): World {
  const world = worldSchema.parse(substitute(input, urls));
  const subs = world.tenants.flatMap((t) => t.subscriptions.map((s) => ({ ...s, tenantId: t.id })));
  for (const s of subs) {
    if (
      !world.arm.subscriptions.some((a) => a.subscriptionId.toLowerCase() === s.subscriptionId.toLowerCase())
    ) {
      world.arm.subscriptions.push(s);
    }
  }
  return world;
}

function substitute(value: unknown, urls: { emulator: string; app: string }): unknown {
  if (typeof value === "string")
    return value.replaceAll("{emulator}", urls.emulator).replaceAll("{app}", urls.app);
  if (Array.isArray(value)) return value.map((v) => substitute(v, urls));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, urls)]));
  }
  return value;
}
