import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The emulator's layering, read from its sources: `src/core` imports no service (the Emulator object and the
 * whole world schema are put together above both, in src/emulator.ts and src/world.ts), and `src/` has no import
 * cycle, type-only imports included.
 */
const SRC = path.join(import.meta.dirname, "../src");
const files = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.split(path.sep).join("/"));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']/g;

/** Relative imports of one file, as paths under src/ (`.js` → `.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), "utf8");
  return [...text.matchAll(IMPORT)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, ".ts"),
  );
}

describe("[layering] emulator sources", () => {
  it("core imports only core", () => {
    const outside = files
      .filter((f) => f.startsWith("core/"))
      .flatMap((f) => importsOf(f).map((target) => `${f} → ${target}`))
      .filter((edge) => !edge.split(" → ")[1]!.startsWith("core/"));
    expect(files.filter((f) => f.startsWith("core/")).length).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });

  it("no file reaches itself through its imports", () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, "done");
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
