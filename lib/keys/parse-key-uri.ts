import { CUSTOMER_CLOUDS, type CloudProfile } from "@/lib/azure/clouds";

/** A key URI that passed every rule, in canonical form. */
export interface ParsedKeyUri {
  /** https://{host}/keys/{name}[/{version}], lower-case host, no port, no trailing slash. */
  uri: string;
  vaultHost: string;
  vaultName: string;
  vaultKind: "VAULT" | "MANAGED_HSM";
  keyName: string;
  keyVersion: string | null;
  versionless: boolean;
  /** https://{host} */
  vaultUri: string;
  versionlessUri: string;
}

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
  message: string;
}

export type KeyUriParseResult = { ok: true; key: ParsedKeyUri } | { ok: false; problem: KeyUriProblem };

const MAX_LENGTH = 2048;
// Key Vault naming rules (AZURE_CONTRACTS §5.1): vault 3–24, letter first, letter/digit last, no "--";
// key names 1–127 of [0-9a-zA-Z-]; versions are 32 hex characters.
const VAULT_NAME = /^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/;
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION = /^[0-9a-fA-F]{32}$/;

/**
 * Parses what a customer pasted as a key URI, strictly: https, a vault or managed HSM host of this cloud on
 * port 443, and /keys/{name}[/{version}]. Every refusal says which part is wrong, in words an admin can act on.
 */
export function parseKeyUri(input: string, cloud: CloudProfile): KeyUriParseResult {
  const text = input.trim();
  const problem = (code: KeyUriProblemCode, message: string): KeyUriParseResult => ({
    ok: false,
    problem: { code, message },
  });
  if (!text)
    return problem(
      "empty",
      "Paste the key's identifier, for example https://contoso-cmk.vault.azure.net/keys/my-key.",
    );
  if (text.length > MAX_LENGTH)
    return problem(
      "too_long",
      `That is ${text.length} characters; a key identifier is at most a few hundred.`,
    );
  if (!URL.canParse(text))
    return problem(
      "not_a_url",
      "This is not a web address. A key identifier starts with https:// and names the vault, then /keys/ and the key.",
    );
  const url = new URL(text);
  if (url.protocol !== "https:")
    return problem(
      "not_https",
      `The address starts with "${url.protocol}//"; Key Vault is only reached over https://.`,
    );
  if (url.username || url.password)
    return problem(
      "has_credentials",
      "The address contains a user name or password; remove everything before the vault name.",
    );
  if (url.search || url.hash || text.includes("?") || text.includes("#")) {
    return problem(
      "has_query",
      "Remove everything from the ? or # on: a key identifier has no query or fragment.",
    );
  }
  if (url.port && url.port !== "443")
    return problem("wrong_port", `The address uses port ${url.port}; Key Vault only answers on 443.`);

  const host = url.hostname.toLowerCase();
  const kindOf = (suffixes: string[]) => suffixes.find((s) => host.endsWith(`.${s}`));
  const vaultSuffix = kindOf(cloud.keyVaultSuffixes);
  const hsmSuffix = kindOf(cloud.managedHsmSuffixes);
  const suffix = vaultSuffix ?? hsmSuffix;
  if (!suffix) {
    const other = CUSTOMER_CLOUDS.find(
      (c) =>
        c.name !== cloud.name &&
        [...c.keyVaultSuffixes, ...c.managedHsmSuffixes].some((s) => host.endsWith(`.${s}`)),
    );
    if (other) {
      return problem(
        "other_cloud_host",
        `${host} is a Key Vault of ${other.displayName}, but this service runs in ${cloud.displayName}. Keys cannot be used across clouds; create the key in ${cloud.displayName}.`,
      );
    }
    const expected = [...cloud.keyVaultSuffixes, ...cloud.managedHsmSuffixes]
      .map((s) => `*.${s}`)
      .join(" or ");
    return problem(
      "foreign_host",
      `${host} is not an Azure Key Vault or Managed HSM address; it must end in ${expected}.`,
    );
  }
  const vaultName = host.slice(0, -suffix.length - 1);
  if (vaultName.includes("."))
    return problem(
      "bad_vault_name",
      `"${vaultName}" is not a vault name: the address must be {vault-name}.${suffix} with nothing in between.`,
    );
  if (!VAULT_NAME.test(vaultName)) {
    return problem(
      "bad_vault_name",
      `"${vaultName}" is not a valid vault name: 3–24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no double hyphens.`,
    );
  }

  const segments = url.pathname.replace(/\/$/, "").split("/").slice(1);
  if (segments[0]?.toLowerCase() !== "keys" || segments.length < 2 || segments.length > 3) {
    const kind = segments[0]?.toLowerCase();
    if (kind === "secrets" || kind === "certificates") {
      return problem(
        "not_a_key_path",
        `This is a ${kind.slice(0, -1)} identifier, not a key. Open the key under Keys and copy its Key Identifier.`,
      );
    }
    return problem(
      "not_a_key_path",
      segments.length === 0 || !segments[0]
        ? "This is the vault's address only. Open the key in the vault and copy its Key Identifier (…/keys/{key-name}/{version})."
        : `The path "${url.pathname}" is not /keys/{key-name} or /keys/{key-name}/{version}.`,
    );
  }
  const keyName = segments[1]!;
  if (!KEY_NAME.test(keyName))
    return problem(
      "bad_key_name",
      `"${decodeURIComponent(keyName).slice(0, 140)}" is not a valid key name: 1–127 letters, digits and hyphens.`,
    );
  const rawVersion = segments[2];
  if (rawVersion !== undefined && !VERSION.test(rawVersion)) {
    return problem(
      "bad_version",
      `"${rawVersion.slice(0, 40)}" is not a key version: versions are exactly 32 hexadecimal characters. Copy the identifier again, or leave the version out.`,
    );
  }
  const keyVersion = rawVersion?.toLowerCase() ?? null;
  const vaultUri = `https://${host}`;
  const versionlessUri = `${vaultUri}/keys/${keyName}`;
  return {
    ok: true,
    key: {
      uri: keyVersion ? `${versionlessUri}/${keyVersion}` : versionlessUri,
      vaultHost: host,
      vaultName,
      vaultKind: vaultSuffix ? "VAULT" : "MANAGED_HSM",
      keyName,
      keyVersion,
      versionless: keyVersion === null,
      vaultUri,
      versionlessUri,
    },
  };
}
