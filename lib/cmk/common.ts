import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { CmkIdentity, CmkInput, CmkKeyRef, CmkProblem, ObservedCmk } from "./types";

/** Keys every CMK service accepts (docs/azure-contracts.md §5.5): RSA only, sizes per service. */
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

/** The refusals every module makes before any write: the key's type and size for the service, and the ISV identity. */
export const keyAndIdentityCheck =
  (label: string, sizes: number[]) =>
  ({ key, identity }: Pick<CmkInput, "key" | "identity">): CmkProblem[] => [
    ...keyTypeProblems(key, label, sizes),
    ...identityProblems(identity),
  ];

const UAMI_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ISV identity must be a UAMI resource ID and the multi-tenant app's client ID (docs/azure-contracts.md §1). */
export function identityProblems(identity: CmkIdentity): CmkProblem[] {
  const problems: CmkProblem[] = [];
  if (!UAMI_ID.test(identity.uamiResourceId))
    problems.push({
      code: "EncryptionIdentityInvalid",
      message: `The encryption identity "${identity.uamiResourceId}" is not a user-assigned managed identity's resource ID; fix CMK_UAMI_RESOURCE_ID.`,
    });
  if (!GUID.test(identity.federatedClientId))
    problems.push({
      code: "FederatedClientIdInvalid",
      message: `The multi-tenant app ID "${identity.federatedClientId}" is not a GUID; fix CMK_APP_CLIENT_ID.`,
    });
  return problems;
}

/** The parts of an ARM body every module reads; loose so that new Azure fields never break parsing. */
export const armIdentitySchema = z.looseObject({
  type: z.string().optional(),
  userAssignedIdentities: z.record(z.string(), z.unknown()).nullish(),
});

export function armBodySchema<P extends z.ZodType>(properties: P) {
  return z.looseObject({
    id: z.string().optional(),
    location: z.string().optional(),
    identity: armIdentitySchema.nullish(),
    properties: properties.optional(),
  });
}

/** Parses what ARM returned; a shape we cannot read is Azure's doing, never silently "Microsoft-managed". */
export function parseArmBody<S extends z.ZodType>(schema: S, body: unknown, label: string): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success)
    throw new AppError("AZURE", `Azure returned a ${label} Crosskey cannot read.`, {
      azureCode: "UnexpectedResponse",
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  return parsed.data;
}

/** The resource's identity block with the ISV's encryption identity added, keeping what is there. */
export function identityWith(body: unknown, identity: CmkIdentity): Record<string, unknown> {
  const current = armIdentitySchema
    .nullish()
    .catch(null)
    .parse((body as { identity?: unknown } | null)?.identity);
  const system = current?.type?.toLowerCase().includes("systemassigned") ?? false;
  const assigned = Object.fromEntries(
    Object.keys(current?.userAssignedIdentities ?? {}).map((id) => [id, {}]),
  );
  return {
    type: system ? "SystemAssigned,UserAssigned" : "UserAssigned",
    userAssignedIdentities: { ...assigned, [identity.uamiResourceId]: {} },
  };
}

export const versionlessUri = (key: CmkKeyRef) => `${key.vaultUri.replace(/\/+$/, "")}/keys/${key.keyName}`;
export const versionedUri = (key: CmkKeyRef) =>
  `${versionlessUri(key)}/${key.keyVersion ?? key.verifiedVersion}`;

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

/**
 * The customer's key, or another key / a version other than the pinned one: DRIFTED with the reason.
 * A versionless hand-over accepts whatever version the service follows.
 */
export function driftOf(
  keyUri: string | null,
  keyVersion: string | null,
  expected: CmkKeyRef | undefined,
): ObservedCmk | null {
  if (!expected) return null;
  if (!sameKey(keyUri, expected))
    return { state: "DRIFTED", keyUri, keyVersion, detail: `Uses ${keyUri}, not the customer's key.` };
  if (expected.keyVersion && keyVersion && keyVersion !== expected.keyVersion.toLowerCase())
    return {
      state: "DRIFTED",
      keyUri,
      keyVersion,
      detail: `Uses version ${keyVersion} of the customer's key, not the pinned version ${expected.keyVersion}.`,
    };
  return null;
}

/**
 * What a read-back shows for a service that names its key by URI: still running, no customer key, another
 * key or version than expected (DRIFTED, with `driftPrefix` before the reason), or the customer's key.
 */
export function observeKeyUri(o: {
  running: boolean;
  /** No customer key (default: no key URI). */
  managed?: boolean;
  keyUri: string | null;
  keyVersion: string | null;
  expected: CmkKeyRef | undefined;
  pending: string;
  none: string;
  applied: () => string;
  driftPrefix?: string;
  azureStatus?: string;
}): ObservedCmk {
  const { keyUri, keyVersion } = o;
  const status = o.azureStatus === undefined ? {} : { azureStatus: o.azureStatus };
  if (o.running) return { state: "PENDING", keyUri, keyVersion, detail: o.pending };
  if (o.managed ?? !keyUri)
    return { state: "MICROSOFT_MANAGED", keyUri: null, keyVersion: null, detail: o.none };
  const drift = driftOf(keyUri, keyVersion, o.expected);
  if (drift) return { ...drift, detail: `${o.driftPrefix ?? ""}${drift.detail}` };
  return { state: "APPLIED", keyUri, keyVersion, detail: o.applied(), ...status };
}

export function props(body: unknown): Record<string, unknown> {
  const p = (body as { properties?: unknown } | null)?.properties;
  return typeof p === "object" && p !== null ? (p as Record<string, unknown>) : {};
}

// docs/azure-contracts.md §4.1: terminal = Succeeded|Failed|Canceled; absent means Succeeded; anything else runs.
const TERMINAL = /^(Succeeded|Failed|Canceled)$/i;
export const isRunning = (body: unknown) => {
  const state = props(body).provisioningState;
  return typeof state === "string" && state !== "" && !TERMINAL.test(state);
};

export type { CmkInput };
