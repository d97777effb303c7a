import { CUSTOMER_CLOUDS, type CloudProfile } from "@/lib/azure/clouds";

/** A key URI that passed every rule, in canonical form. */
export interface ParsedKeyUri {
  /** https://{host}/keys/{name}[/{version}]: lower-case host, no port, no trailing slash. */
  uri: string;
  vaultHost: string;
  vaultName: string;
  vaultKind: "VAULT" | "MANAGED_HSM";
  keyName: string;
  /** 32 lower-case hex characters, or null for a versionless URI. */
  keyVersion: string | null;
  versionless: boolean;
  /** https://{host} */
  vaultUri: string;
  versionlessUri: string;
}

/** Why a pasted key URI was refused. Stable: the audit log, the API and tests rely on these codes. */
export type KeyUriProblemCode =
  | "empty"
  | "too_long"
  | "not_a_url"
  | "not_https"
  | "has_credentials"
  | "has_query"
  | "wrong_port"
  | "other_cloud_host"
  | "foreign_host"
  | "bad_vault_name"
  | "not_a_key_path"
  | "bad_key_name"
  | "bad_version";

export interface KeyUriProblem {
  code: KeyUriProblemCode;
  /** For the customer's admin: names the exact part that is wrong and what to do. */
  message: string;
}

export type KeyUriParseResult = { ok: true; key: ParsedKeyUri } | { ok: false; problem: KeyUriProblem };

const MAX_LENGTH = 2048;
const COPY_HINT = "Open the key in your vault, select its current version and copy “Key Identifier”.";
// Key Vault naming (docs/azure-contracts.md §6.1): key names 1–127 of [0-9a-zA-Z-]; versions 32 hex characters.
const KEY_NAME_CHAR = /[0-9a-zA-Z-]/;
const VERSION = /^[0-9a-f]{32}$/i;

const fail = (code: KeyUriProblemCode, message: string): KeyUriParseResult => ({
  ok: false,
  problem: { code, message },
});
const shorten = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max)}…` : s);
const firstBad = (s: string, allowed: RegExp) => [...s].find((c) => !allowed.test(c)) ?? "";

/**
 * Parses what a customer pasted as a key URI, strictly: https, a vault or managed HSM host of this cloud,
 * port 443 only, and /keys/{name}[/{version}]. Nothing but surrounding whitespace is forgiven, because the
 * server later calls this host with a token for the customer's tenant.
 */
export function parseKeyUri(input: string, cloud: CloudProfile): KeyUriParseResult {
  const text = input.trim();
  if (!text) return fail("empty", `Paste your key's identifier. ${COPY_HINT}`);
  if (text.length > MAX_LENGTH)
    return fail("too_long", `That is ${text.length} characters; a key identifier is at most ${MAX_LENGTH}.`);
  if (/[\s\p{C}]/u.test(text))
    return fail(
      "not_a_url",
      "The address contains a space, line break or invisible character; paste it again as one line.",
    );
  if (/^\/subscriptions\//i.test(text))
    return fail("not_a_url", `This is an Azure resource ID, not a key identifier. ${COPY_HINT}`);
  const scheme = /^([a-z][a-z0-9+-]*):/i.exec(text)?.[1];
  if (!scheme)
    return fail(
      "not_a_url",
      `This is not a web address; a key identifier starts with https://. ${COPY_HINT}`,
    );
  if (scheme.toLowerCase() !== "https")
    return fail(
      "not_https",
      `The address starts with “${shorten(scheme, 20)}:”; Key Vault is only reached over https://.`,
    );
  const rest = text.slice(scheme.length + 1);
  if (!rest.startsWith("//")) return fail("not_a_url", "After “https:” the address must go on with “//”.");
  if (rest.includes("\\"))
    return fail("not_a_url", "The address contains a backslash (\\); use forward slashes (/).");

  const afterSlashes = rest.slice(2);
  const authority = afterSlashes.split(/[/?#]/, 1)[0] ?? "";
  const tail = afterSlashes.slice(authority.length);
  if (authority.includes("@"))
    return fail(
      "has_credentials",
      "The address has a user name or password before the vault name (the part before “@”); remove it.",
    );
  const colon = authority.lastIndexOf(":");
  const host = (colon < 0 ? authority : authority.slice(0, colon)).toLowerCase();
  const port = colon < 0 ? null : authority.slice(colon + 1);

  const where = locateHost(host, cloud);
  if ("problem" in where) return { ok: false, problem: where.problem };
  if (port !== null && port !== "443") {
    return /^\d+$/.test(port)
      ? fail("wrong_port", `The address uses port ${port}; Key Vault only answers on 443.`)
      : fail("not_a_url", `“:${shorten(port, 20)}” after the host name is not a port number; remove it.`);
  }
  const query = tail.search(/[?#]/);
  if (query >= 0)
    return fail(
      "has_query",
      `Remove “${shorten(tail.slice(query), 40)}” from the end: a key identifier has no ? or # part.`,
    );
  return parsePath(tail, where.host, where.vaultName, where.kind);
}

type HostFound = { host: string; vaultName: string; kind: ParsedKeyUri["vaultKind"] };

function locateHost(host: string, cloud: CloudProfile): HostFound | { problem: KeyUriProblem } {
  const problem = (code: KeyUriProblemCode, message: string) => ({ problem: { code, message } });
  if (!host) return problem("not_a_url", "The address has no host name after https://.");
  const suffixes = [
    ...cloud.keyVaultSuffixes.map((suffix) => ({ suffix, kind: "VAULT" as const })),
    ...cloud.managedHsmSuffixes.map((suffix) => ({ suffix, kind: "MANAGED_HSM" as const })),
  ];
  const expected = suffixes.map((s) => `{name}.${s.suffix}`).join(" or ");
  if (/[^a-z0-9.-]/.test(host))
    return problem(
      "foreign_host",
      `“${shorten(host)}” contains characters no Key Vault address has; it must be ${expected}.`,
    );
  for (const { suffix, kind } of suffixes) {
    if (host === suffix)
      return problem("bad_vault_name", `The address has no vault name: it must be {name}.${suffix}.`);
    if (!host.endsWith(`.${suffix}`)) continue;
    const vaultName = host.slice(0, -suffix.length - 1);
    if (vaultName.includes("."))
      return problem(
        "bad_vault_name",
        `“${shorten(vaultName)}” is more than one name in front of .${suffix}; the address must be {name}.${suffix}.`,
      );
    const why = vaultNameProblem(vaultName);
    const noun = kind === "VAULT" ? "vault" : "managed HSM";
    if (why) return problem("bad_vault_name", `“${vaultName}” is not a valid ${noun} name: ${why}.`);
    return { host, vaultName, kind };
  }
  const other = CUSTOMER_CLOUDS.find((c) =>
    [...c.keyVaultSuffixes, ...c.managedHsmSuffixes].some(
      (s) => host.endsWith(`.${s}`) && !suffixes.some((o) => o.suffix === s),
    ),
  );
  if (other)
    return problem(
      "other_cloud_host",
      `${host} is a key store in ${other.displayName}, but this service runs in ${cloud.displayName}. A key cannot be used across clouds; create it in ${cloud.displayName}.`,
    );
  if (CUSTOMER_CLOUDS.some((c) => new URL(c.portalUrl).hostname === host))
    return problem("foreign_host", `That is the Azure portal's page address, not the key's. ${COPY_HINT}`);
  return problem(
    "foreign_host",
    `${shorten(host)} is not an Azure Key Vault or Managed HSM address; it must be ${expected}.`,
  );
}

// Vault and managed HSM names (docs/azure-contracts.md §6.1): 3–24 of [0-9a-z-], letter first, letter or digit
// last, no "--". The host is already lower-case and limited to [a-z0-9.-] here.
function vaultNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 24) return `it has ${name.length} characters; names have 3 to 24`;
  if (!/^[a-z]/.test(name)) return "it must start with a letter";
  if (name.endsWith("-")) return "it must end with a letter or digit";
  if (name.includes("--")) return "it cannot contain two hyphens in a row";
  return null;
}

function parsePath(
  path: string,
  host: string,
  vaultName: string,
  vaultKind: HostFound["kind"],
): KeyUriParseResult {
  const vaultUri = `https://${host}`;
  if (path === "" || path === "/")
    return fail(
      "not_a_key_path",
      `This is the vault's address only, without a key. ${COPY_HINT} It looks like ${vaultUri}/keys/{key-name}/{version}.`,
    );
  const segments = (path.endsWith("/") ? path.slice(0, -1) : path).slice(1).split("/");
  const [collection = "", rawName, rawVersion] = segments;
  const kind = collection.toLowerCase();
  if (kind === "secrets" || kind === "certificates") {
    const noun = kind === "secrets" ? "secret" : "certificate";
    return fail(
      "not_a_key_path",
      `This is a ${noun}'s identifier (/${collection}/), not a key's. Customer-managed encryption needs a key: ${COPY_HINT}`,
    );
  }
  if (kind !== "keys" || segments.length > 3 || segments.includes("") || rawName === undefined)
    return fail(
      "not_a_key_path",
      `The path “${shorten(path)}” is not /keys/{key-name} or /keys/{key-name}/{version}. ${COPY_HINT}`,
    );
  if (rawName.length > 127)
    return fail("bad_key_name", `The key name has ${rawName.length} characters; key names have at most 127.`);
  const badChar = firstBad(rawName, KEY_NAME_CHAR);
  if (badChar)
    return fail(
      "bad_key_name",
      `The key name “${shorten(rawName)}” contains “${badChar}”; key names use only letters, digits and hyphens.`,
    );
  if (rawVersion !== undefined && !VERSION.test(rawVersion)) {
    const why =
      rawVersion.length === 32
        ? `contains “${firstBad(rawVersion, /[0-9a-f]/i)}”`
        : `has ${rawVersion.length} characters`;
    return fail(
      "bad_version",
      `The version “${shorten(rawVersion, 40)}” ${why}; a key version is exactly 32 characters of 0–9 and a–f. Copy the identifier again, or remove the version to use the key's newest one.`,
    );
  }
  const keyVersion = rawVersion?.toLowerCase() ?? null;
  const versionlessUri = `${vaultUri}/keys/${rawName}`;
  return {
    ok: true,
    key: {
      uri: keyVersion ? `${versionlessUri}/${keyVersion}` : versionlessUri,
      vaultHost: host,
      vaultName,
      vaultKind,
      keyName: rawName,
      keyVersion,
      versionless: keyVersion === null,
      vaultUri,
      versionlessUri,
    },
  };
}
