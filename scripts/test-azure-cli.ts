/**
 * `npm run test:azure-cli`: a real, independent client — the Azure CLI that Debian packages — against the
 * emulator's proxy mode, with nothing but a proxy setting and the CA (no custom cloud): sign-in, service principal
 * create and show, resource group, vault create. Each command's outcome is printed; the run fails when a command
 * expected to work does not, or when one recorded below as broken by Debian's package starts working (so the
 * record stays true).
 *
 * Prerequisite, explicit: `az` on PATH. On a Debian machine, as root, without it, this installs Debian's
 * `azure-cli` package with apt first (about 100 packages; minutes). Not part of `npm test` for that reason.
 */
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopChildren } from "./lib/children.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";

const say = (line: string) => console.log(`[azure-cli] ${line}`);
const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const CONTOSO = "c0000000-0000-4000-8000-00000000c001";
const CMK_APP = "22222222-2222-4222-8222-222222222222";

function ensureAzureCli(): string {
  const found = spawnSync("az", ["version", "--output", "tsv", "--query", '"azure-cli"'], {
    encoding: "utf8",
  });
  if (found.status === 0) return found.stdout.trim();
  if (fs.existsSync("/etc/debian_version") && process.getuid?.() === 0) {
    say("az is not installed: installing Debian's azure-cli package with apt-get (several minutes)…");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "azure-cli"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return ensureAzureCli();
  }
  console.error(
    "[azure-cli] This test needs the Azure CLI (`az`) on PATH: on Debian `apt-get install azure-cli`, elsewhere https://learn.microsoft.com/cli/azure/install-azure-cli.",
  );
  process.exit(1);
}

/** This process did not trust the emulator's CA at start (NODE_EXTRA_CA_CERTS): the one control call uses curl. */
const get = (url: string, caFile: string) =>
  execFileSync("curl", ["-sS", "--cacert", caFile, url], { encoding: "utf8" });

interface Step {
  args: string[];
  /** Set when Debian's package is known to break this command: why, as seen. */
  brokenByPackage?: string;
  /** Keep the command's output for later arguments (`{name}`). */
  saveAs?: string;
}

const version = ensureAzureCli();
say(`Azure CLI ${version}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crosskey-azcli-"));
const emulatorUrl = `https://localhost:${8449 + offset}`;
const emulator = await startEmulatorProcess({
  url: emulatorUrl,
  dataDir: path.join(dir, "emulator"),
  proxyPort: 8549 + offset,
  authority: "https://login.microsoftonline.com",
  env: { ...process.env },
});
const env = {
  ...process.env,
  AZURE_CONFIG_DIR: path.join(dir, "az"),
  HTTPS_PROXY: emulator.proxyUrl,
  NO_PROXY: "localhost,127.0.0.1",
  // Python's requests trusts only this bundle: the emulator's CA is the only one the proxy's hosts need.
  REQUESTS_CA_BUNDLE: emulator.caFile,
  AZURE_CORE_COLLECT_TELEMETRY: "false",
  AZURE_CORE_ONLY_SHOW_ERRORS: "true",
};
const vault = `kv-azcli-${crypto.randomBytes(3).toString("hex")}`;
const steps: Step[] = [
  { args: ["cloud", "set", "--name", "AzureCloud"] },
  {
    args: [
      "login",
      "--username",
      "admin@contoso.onmicrosoft.com",
      "--password",
      "Passw0rd!",
      "--tenant",
      CONTOSO,
      "--allow-no-subscriptions",
    ],
  },
  { args: ["ad", "sp", "create", "--id", CMK_APP, "--query", "appId"] },
  { args: ["ad", "sp", "show", "--id", CMK_APP, "--query", "appId"] },
  { args: ["group", "create", "--name", "rg-azure-cli", "--location", "westeurope", "--query", "name"] },
  {
    args: [
      "keyvault",
      "create",
      "--name",
      vault,
      "--resource-group",
      "rg-azure-cli",
      "--location",
      "westeurope",
      "--enable-purge-protection",
      "true",
      "--enable-rbac-authorization",
      "true",
      "--retention-days",
      "90",
      "--query",
      "name",
    ],
  },
  { args: ["ad", "signed-in-user", "show", "--query", "id"], saveAs: "me" },
  {
    // By object ID, as the generated script does (`--assignee <upn>` would look the user up under Graph's /users).
    brokenByPackage:
      "AttributeError: 'RoleAssignmentsOperations' object has no attribute 'config' (Debian's azure-mgmt-authorization is not the version this CLI expects)",
    args: [
      "role",
      "assignment",
      "create",
      "--role",
      "Key Vault Crypto Officer",
      "--assignee-object-id",
      "{me}",
      "--assignee-principal-type",
      "User",
      "--scope",
      `/subscriptions/aaaaaaaa-0000-4000-8000-00000000c001/resourceGroups/rg-azure-cli/providers/Microsoft.KeyVault/vaults/${vault}`,
      "--query",
      "principalType",
    ],
  },
  {
    args: [
      "keyvault",
      "key",
      "create",
      "--vault-name",
      vault,
      "--name",
      "cmk",
      "--kty",
      "RSA",
      "--size",
      "3072",
      "--ops",
      "wrapKey",
      "unwrapKey",
      "--query",
      "key.kty",
    ],
    brokenByPackage:
      "ModuleNotFoundError: No module named 'azure.keyvault.v7_0' (Debian's python3-azure lacks the Key Vault data-plane modules this CLI imports)",
  },
  {
    args: ["keyvault", "key", "show", "--vault-name", vault, "--name", "cmk", "--query", "key.kid"],
    brokenByPackage: "No module named 'azure.keyvault.key_vault_id' (same missing modules)",
  },
];
let failures = 0;
const saved: Record<string, string> = {};
try {
  for (const step of steps) {
    const args = step.args.map((a) => a.replace(/^\{(\w+)\}$/, (_, name: string) => saved[name] ?? a));
    const run = spawnSync("az", [...args, "--output", "tsv"], { env, encoding: "utf8", timeout: 300_000 });
    if (step.saveAs && run.status === 0) saved[step.saveAs] = run.stdout.trim();
    const ok = run.status === 0;
    const line = `az ${step.args.slice(0, 3).join(" ")}`;
    // A Python traceback ends with the exception; az's own errors start with ERROR.
    const lines = run.stderr.trim().split("\n");
    const firstError = run.stderr.includes("Traceback")
      ? (lines.findLast((l) => /^[\w.]+(Error|Exception)\b/.test(l)) ?? lines.at(-1) ?? "")
      : (run.stderr.split("\n").find((l) => l.startsWith("ERROR")) ?? run.stderr.trim().split("\n")[0] ?? "");
    if (step.brokenByPackage) {
      say(`${ok ? "WORKS NOW" : "broken (known)"}  ${line}${ok ? "" : `: ${step.brokenByPackage}`}`);
      if (ok) failures++;
    } else {
      say(`${ok ? "ok    " : "FAILED"}  ${line}${ok ? ` → ${run.stdout.trim()}` : `: ${firstError}`}`);
      if (!ok) failures++;
    }
  }
  const log = JSON.parse(get(`${emulatorUrl}/_emulator/proxy`, emulator.caFile)) as {
    refused: { target: string }[];
  };
  // When a command crashes (the two broken by the package), az fetches a page from azure.microsoft.com for its
  // message; proxy mode refuses it. Any other refused host is a failure: a command left Azure's API hosts.
  const unexpected = log.refused.filter((r) => r.target !== "azure.microsoft.com:443");
  say(`proxy: refused ${log.refused.map((r) => r.target).join(", ") || "no host"}`);
  if (unexpected.length) failures++;
} finally {
  await stopChildren();
  fs.rmSync(dir, { recursive: true, force: true });
}
say(failures ? `${failures} problem(s)` : "all commands behaved as recorded");
process.exit(failures ? 1 : 0);
