import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layering rules of docs/architecture.md, checked on the source tree so a change that breaks one fails here.
const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !f.split(path.sep).includes("generated"))
    .map((f) => path.join(dir, f));
}
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The lib modules the customer's browser or the edge proxy load too (docs/architecture.md). */
const SHARED_WITH_BROWSER = [
  /^lib\/errors\.ts$/,
  /^lib\/azure\/clouds\.ts$/,
  /^lib\/keys\/parse-key-uri\.ts$/,
  /^lib\/keys\/compatibility\.ts$/,
  /^lib\/keys\/scripts\//,
  /^lib\/format-date\.ts$/,
  /^lib\/request-log\.ts$/,
  // What the script-free invite page (pages/) renders; the Pages Router may not import server-only modules.
  /^lib\/onboarding\/invite-landing-data\.ts$/,
];

describe("[architecture] the tree keeps its layering", () => {
  it("every server-side lib module opens with server-only", () => {
    const missing = sources("lib").filter(
      (f) => !SHARED_WITH_BROWSER.some((p) => p.test(f)) && !/^import "server-only";$/m.test(read(f)),
    );
    expect(missing).toEqual([]);
  });

  it("lib imports nothing from app/ or components/", () => {
    const upward = sources("lib").filter((f) => /from "(@\/|(\.\.\/)+)(app|components)\//.test(read(f)));
    expect(upward).toEqual([]);
  });

  it("app/ reaches the database only through lib (no Prisma query in a page, route or action)", () => {
    const query =
      /\b(db|tx|getDb\(\))\.(\$transaction|\$queryRaw|\$executeRaw|[a-z]\w*\.(find\w*|create\w*|update\w*|upsert|delete\w*|count|aggregate|groupBy))\b/;
    const offenders = sources("app").filter((f) => query.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it("JSON columns are written through their schema, never cast", () => {
    const cast = /as unknown as Prisma\.(InputJsonValue|JsonValue)/;
    expect([...sources("lib"), ...sources("app")].filter((f) => cast.test(read(f)))).toEqual([]);
  });

  it("pages show dates in the reader's words (lib/format-date.ts), never as a raw GMT string", () => {
    const raw = /\.(toUTCString|toGMTString)\(/;
    expect([...sources("app"), ...sources("components")].filter((f) => raw.test(read(f)))).toEqual([]);
  });

  it("comments and docs cite sources inside the repository or public ones", () => {
    const outside = /AZURE_CONTRACTS|\.\.\/shared\/|\bseed 00\d/;
    const files = [...sources("lib"), ...sources("app"), ...sources("emulator/src"), ...sources("scripts")];
    const docs = fs.readdirSync(path.join(ROOT, "docs")).map((f) => path.join("docs", f));
    expect(
      [...files, ...docs, "README.md", "prisma/schema.prisma"].filter((f) => outside.test(read(f))),
    ).toEqual([]);
  });
});
