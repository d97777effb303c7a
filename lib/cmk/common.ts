import type { CmkIdentity, CmkInput, CmkKeyRef, CmkProblem } from "./types";

/** Keys every CMK service accepts (AZURE_CONTRACTS §5.5): RSA only, sizes per service. */
export function keyTypeProblems(key: CmkKeyRef, label: string, sizes: number[]): CmkProblem[] {
  if (!key.keyType.startsWith("RSA"))
    return [
      {
        code: "KeyTypeNotSupported",
        message: `${label} accepts only RSA keys; the customer's key is ${key.keyType}.`,
      },
    ];
  if (key.keySize && !sizes.includes(key.keySize)) {
    return [
      {
        code: "KeySizeNotSupported",
        message: `${label} accepts RSA keys of ${sizes.join(", ")} bits; the customer's key has ${key.keySize}.`,
      },
    ];
  }
  return [];
}

/** The resource's identity block with the ISV's encryption identity added, keeping what is there. */
export function identityWith(body: unknown, identity: CmkIdentity): Record<string, unknown> {
  const current = (
    body as { identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> } } | null
  )?.identity;
  const system = current?.type?.toLowerCase().includes("systemassigned") ?? false;
  const assigned = Object.fromEntries(
    Object.keys(current?.userAssignedIdentities ?? {}).map((id) => [id, {}]),
  );
  return {
    type: system ? "SystemAssigned,UserAssigned" : "UserAssigned",
    userAssignedIdentities: { ...assigned, [identity.uamiResourceId]: {} },
  };
}

export const versionlessUri = (key: CmkKeyRef) => `${key.vaultUri}/keys/${key.keyName}`;
export const versionedUri = (key: CmkKeyRef) =>
  `${key.vaultUri}/keys/${key.keyName}/${key.keyVersion ?? key.verifiedVersion}`;

/** Vault and key name of a key URI, lower-cased, to compare what a resource uses with what was asked. */
export function sameKey(uri: string | null | undefined, key: CmkKeyRef): boolean {
  if (!uri) return false;
  const m = /^https:\/\/([^/:]+)(?::443)?\/keys\/([^/]+)/i.exec(uri);
  return (
    !!m &&
    m[1]!.toLowerCase() === new URL(key.vaultUri).hostname.toLowerCase() &&
    m[2]!.toLowerCase() === key.keyName.toLowerCase()
  );
}

export const versionOf = (uri: string | null | undefined) =>
  /\/keys\/[^/]+\/([0-9a-f]{32})/i.exec(uri ?? "")?.[1]?.toLowerCase() ?? null;

export function props(body: unknown): Record<string, unknown> {
  const p = (body as { properties?: unknown } | null)?.properties;
  return typeof p === "object" && p !== null ? (p as Record<string, unknown>) : {};
}

const RUNNING = /^(Accepted|Creating|Updating|Provisioning|Running|InProgress|Deleting)$/i;
export const isRunning = (body: unknown) => RUNNING.test(String(props(body).provisioningState ?? ""));

export type { CmkInput };
