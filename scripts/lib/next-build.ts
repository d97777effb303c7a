import fs from "node:fs/promises";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "prisma/schema.prisma",
  "pages",
  "proxy.ts",
  "next.config.js",
  "package-lock.json",
  "postcss.config.mjs",
];

/** True when .next holds a production build newer than every source file. */
export async function isBuildFresh(root: string): Promise<boolean> {
  const built = await fs.stat(path.join(root, ".next/BUILD_ID")).catch(() => undefined);
  if (!built) return false;
  for (const source of SOURCES) {
    if ((await newestMtime(path.join(root, source))) > built.mtimeMs) return false;
  }
  return true;
}

async function newestMtime(target: string): Promise<number> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of await fs.readdir(target)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  }
  return newest;
}
