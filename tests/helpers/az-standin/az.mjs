/**
 * A stand-in for the Azure CLI that implements exactly the commands Crosskey's generated customer script uses
 * (lib/keys/scripts/azure-cli.ts, vault and Managed HSM variants), each by calling the emulator's ARM, Graph, Entra and Key
 * Vault APIs as az does. Anything else — another command, another flag — fails loudly, so a script that
 * starts using something new fails its test instead of passing untried.
 *
 * Environment: AZ_STANDIN_EMULATOR (the emulator's base URL), AZ_STANDIN_USER / AZ_STANDIN_PASSWORD (who
 * "az login" signs in as: ROPC with the Azure CLI's client ID, as the emulated customer does elsewhere),
 * AZ_STANDIN_SUBSCRIPTION (the account's default subscription; the emulator has no tenant-wide list),
 * AZURE_CONFIG_DIR (where the login is kept between calls, as az keeps it), AZ_STANDIN_VERSION (what
 * `az version` reports; 2.67.0 unless set). Trust the emulator's CA with NODE_EXTRA_CA_CERTS.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const CLOUDS = new Set(["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"]);
const SCOPES = {
  arm: "https://management.azure.com/.default",
  graph: "https://graph.microsoft.com/.default",
  vault: "https://vault.azure.net/.default",
  hsm: "https://managedhsm.azure.net/.default",
};

const env = (name) => {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
};
function fail(message, code = 2) {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(code);
}

/** `--name x --flag --ops a b` → { name: "x", flag: true, ops: ["a", "b"] }; only the flags a command allows. */
function flags(args, allowed) {
  const out = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) fail(`unexpected argument ${JSON.stringify(arg)}`);
    const name = arg.slice(2);
    if (!allowed.includes(name)) fail(`the az stand-in does not implement --${name} here`);
    const values = [];
    while (i + 1 < args.length && !args[i + 1].startsWith("--")) values.push(args[++i]);
    out[name] = values.length === 0 ? true : values.length === 1 ? values[0] : values;
  }
  return out;
}
const one = (f, name) => {
  const v = f[name];
  if (typeof v !== "string") fail(`--${name} needs one value`);
  return v;
};

const stateFile = () => path.join(env("AZURE_CONFIG_DIR"), "standin-login.json");
const readState = () => (fs.existsSync(stateFile()) ? JSON.parse(fs.readFileSync(stateFile(), "utf8")) : {});
const writeState = (s) => {
  fs.mkdirSync(path.dirname(stateFile()), { recursive: true });
  fs.writeFileSync(stateFile(), JSON.stringify(s));
};

async function token(scope) {
  const { tenantId } = readState();
  if (!tenantId) fail("Please run 'az login' to setup account.", 1);
  const res = await fetch(`${env("AZ_STANDIN_EMULATOR")}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: AZURE_CLI,
      username: env("AZ_STANDIN_USER"),
      password: env("AZ_STANDIN_PASSWORD"),
      scope,
    }),
  });
  const body = await res.json();
  if (!body.access_token) fail(`sign-in failed: ${body.error_description ?? res.status}`, 1);
  return body.access_token;
}

async function call(method, url, scope, body) {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${await token(scope)}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const error = json.error ?? {};
    fail(`(${error.code ?? res.status}) ${error.message ?? text}`, res.status === 404 ? 3 : 1);
  }
  return json;
}
const arm = (method, id, apiVersion, body) =>
  call(method, `${env("AZ_STANDIN_EMULATOR")}${id}?api-version=${apiVersion}`, SCOPES.arm, body);
/** A long-running ARM write as az runs it: 202 + Location polled (Retry-After apart) until it answers the result. */
async function armAndWait(method, id, apiVersion, body) {
  const url = `${env("AZ_STANDIN_EMULATOR")}${id}?api-version=${apiVersion}`;
  let res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${await token(SCOPES.arm)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  while (res.status === 202 && res.headers.get("location")) {
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
    res = await fetch(res.headers.get("location"), {
      headers: { authorization: `Bearer ${await token(SCOPES.arm)}` },
    });
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) fail(`(${json.error?.code ?? res.status}) ${json.error?.message ?? text}`, 1);
  return json;
}
const graph = (p) => call("GET", `${env("AZ_STANDIN_EMULATOR")}/graph/v1.0${p}`, SCOPES.graph);
const vault = (method, vaultName, p, body) =>
  call(
    method,
    `${env("AZ_STANDIN_EMULATOR")}/keyvault/${vaultName}.vault.azure.net${p}?api-version=7.6`,
    SCOPES.vault,
    body,
  );
// Managed HSM data plane, local RBAC included: `{hsm}/{scope}/providers/…` as azure-keyvault-administration
// builds it (a scope of "/keys/k" gives a double slash), api-version 7.4 as Azure CLI 2.60+ sends.
const hsm = (method, hsmName, p, body) =>
  call(
    method,
    `${env("AZ_STANDIN_EMULATOR")}/keyvault/${hsmName}.managedhsm.azure.net${p}?api-version=7.4`,
    SCOPES.hsm,
    body,
  );
/** `--vault-name v` or `--hsm-name h`: the data-plane call for whichever the command names. */
const keyStore = (f) =>
  typeof f["hsm-name"] === "string"
    ? (method, p, body) => hsm(method, f["hsm-name"], p, body)
    : (method, p, body) => vault(method, one(f, "vault-name"), p, body);

/** `--query` paths the script uses (`id`, `key.kid`), printed as az's tsv does. */
function print(f, result) {
  const output = f.output ?? "json";
  if (output === "none") return;
  // JMESPath as the script writes it: dotted names, a name with a dash in double quotes ('"azure-cli"').
  const keys = typeof f.query === "string" ? f.query.split(".").map((k) => k.replace(/^"(.*)"$/, "$1")) : [];
  const value = keys.reduce((o, k) => o?.[k], result);
  if (output === "tsv") process.stdout.write(`${value ?? ""}\n`);
  else if (output === "json") process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else fail(`--output ${output} is not implemented by the stand-in`);
}

const sub = () => env("AZ_STANDIN_SUBSCRIPTION");
const rgId = (rg) => `/subscriptions/${sub()}/resourceGroups/${rg}`;
const vaultId = (rg, name) => `${rgId(rg)}/providers/Microsoft.KeyVault/vaults/${name}`;
const hsmId = (rg, name) => `${rgId(rg)}/providers/Microsoft.KeyVault/managedHSMs/${name}`;

const COMMANDS = {
  version: async (args) => {
    const f = flags(args, ["query", "output"]);
    print(f, { "azure-cli": process.env.AZ_STANDIN_VERSION ?? "2.67.0", "azure-cli-core": "2.67.0" });
  },
  "cloud set": async (args) => {
    const name = one(flags(args, ["name"]), "name");
    if (!CLOUDS.has(name)) fail(`The cloud '${name}' is not registered.`, 1);
    writeState({ ...readState(), cloud: name });
  },
  login: async (args) => {
    const f = flags(args, ["tenant", "output"]);
    writeState({ ...readState(), tenantId: one(f, "tenant") });
    await token(SCOPES.arm);
  },
  "ad sp show": async (args) => {
    const f = flags(args, ["id", "query", "output"]);
    print(f, await graph(`/servicePrincipals(appId='${encodeURIComponent(one(f, "id"))}')`));
  },
  // az asks Graph's /me; the emulator's Graph has no /me, and the signed-in user's object ID is the token's oid.
  "ad signed-in-user show": async (args) => {
    const f = flags(args, ["query", "output"]);
    const claims = JSON.parse(Buffer.from((await token(SCOPES.graph)).split(".")[1], "base64url").toString());
    print(f, { id: claims.oid, userPrincipalName: claims.upn });
  },
  "group create": async (args) => {
    const f = flags(args, ["name", "location", "output"]);
    print(f, await arm("PUT", rgId(one(f, "name")), "2022-09-01", { location: one(f, "location") }));
  },
  "keyvault create": async (args) => {
    const f = flags(args, [
      "name",
      "hsm-name",
      "administrators",
      "resource-group",
      "location",
      "enable-purge-protection",
      "enable-rbac-authorization",
      "retention-days",
      "output",
    ]);
    const { tenantId } = readState();
    if (typeof f["hsm-name"] === "string") {
      // az keyvault create --hsm-name: ManagedHsms_CreateOrUpdate (Standard_B1), waited for as az waits.
      const admins = f.administrators;
      const hsmBody = {
        location: one(f, "location"),
        sku: { family: "B", name: "Standard_B1" },
        properties: {
          tenantId,
          initialAdminObjectIds: Array.isArray(admins) ? admins : [one(f, "administrators")],
          softDeleteRetentionInDays: Number(one(f, "retention-days")),
          enablePurgeProtection: one(f, "enable-purge-protection") === "true",
        },
      };
      print(
        f,
        await armAndWait("PUT", hsmId(one(f, "resource-group"), f["hsm-name"]), "2023-07-01", hsmBody),
      );
      return;
    }
    const body = {
      location: one(f, "location"),
      properties: {
        tenantId,
        sku: { family: "A", name: "standard" },
        enableSoftDelete: true,
        softDeleteRetentionInDays: Number(one(f, "retention-days")),
        enableRbacAuthorization: one(f, "enable-rbac-authorization") === "true",
        ...(one(f, "enable-purge-protection") === "true" ? { enablePurgeProtection: true } : {}),
      },
    };
    print(f, await arm("PUT", vaultId(one(f, "resource-group"), one(f, "name")), "2023-07-01", body));
  },
  "keyvault show": async (args) => {
    const f = flags(args, ["name", "hsm-name", "resource-group", "query", "output"]);
    const id =
      typeof f["hsm-name"] === "string"
        ? hsmId(one(f, "resource-group"), f["hsm-name"])
        : vaultId(one(f, "resource-group"), one(f, "name"));
    print(f, await arm("GET", id, "2023-07-01"));
  },
  // Managed HSM local RBAC: the role's id from the HSM's own role definitions, then the assignment on the HSM.
  "keyvault role assignment create": async (args) => {
    const f = flags(args, [
      "hsm-name",
      "role",
      "scope",
      "assignee-object-id",
      "assignee-principal-type",
      "output",
    ]);
    const name = one(f, "hsm-name");
    const scope = one(f, "scope");
    const defs = await hsm("GET", name, `/${scope}/providers/Microsoft.Authorization/roleDefinitions`);
    const role = defs.value?.find(
      (d) => d.properties?.roleName?.toLowerCase() === one(f, "role").toLowerCase(),
    );
    if (!role) fail(`Role '${one(f, "role")}' doesn't exist.`, 1);
    const body = { properties: { roleDefinitionId: role.id, principalId: one(f, "assignee-object-id") } };
    const path = `/${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`;
    print(f, await hsm("PUT", name, path, body));
  },
  "role assignment create": async (args) => {
    const f = flags(args, ["role", "scope", "assignee-object-id", "assignee-principal-type", "output"]);
    const scope = one(f, "scope");
    const filter = encodeURIComponent(`roleName eq '${one(f, "role")}'`);
    const defs = await call(
      "GET",
      `${env("AZ_STANDIN_EMULATOR")}${scope}/providers/Microsoft.Authorization/roleDefinitions?$filter=${filter}&api-version=2022-04-01`,
      SCOPES.arm,
    );
    const role = defs.value?.find((d) => d.properties?.roleName === one(f, "role"));
    if (!role) fail(`Role '${one(f, "role")}' doesn't exist.`, 1);
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`;
    const body = {
      properties: {
        roleDefinitionId: role.id,
        principalId: one(f, "assignee-object-id"),
        principalType: one(f, "assignee-principal-type"),
      },
    };
    print(f, await arm("PUT", id, "2022-04-01", body));
  },
  "keyvault key create": async (args) => {
    const f = flags(args, ["vault-name", "hsm-name", "name", "kty", "size", "ops", "output"]);
    const ops = Array.isArray(f.ops) ? f.ops : [one(f, "ops")];
    const body = { kty: one(f, "kty"), key_size: Number(one(f, "size")), key_ops: ops };
    print(f, await keyStore(f)("POST", `/keys/${one(f, "name")}/create`, body));
  },
  "keyvault key show": async (args) => {
    const f = flags(args, ["vault-name", "hsm-name", "name", "query", "output"]);
    print(f, await keyStore(f)("GET", `/keys/${one(f, "name")}`));
  },
};

const argv = process.argv.slice(2);
const command = Object.keys(COMMANDS)
  .sort((a, b) => b.split(" ").length - a.split(" ").length)
  .find((c) => c.split(" ").every((word, i) => argv[i] === word));
if (!command) fail(`the az stand-in does not implement 'az ${argv.slice(0, 3).join(" ")}'`);
await COMMANDS[command](argv.slice(command.split(" ").length));
