import "server-only";
import { z } from "zod";
import type { ResourceKind } from "@/lib/generated/prisma/enums";

/** The verified customer key, as the resource modules use it. */
export interface CmkKeyRef {
  keyUri: string;
  vaultUri: string;
  vaultName: string;
  keyName: string;
  /** Null for a versionless URI. */
  keyVersion: string | null;
  /** The version verification read: what "the current version" meant then. */
  verifiedVersion: string;
  keyType: string;
  keySize: number | null;
  vaultKind: "VAULT" | "MANAGED_HSM";
  tenantId: string;
}

/** The ISV identity set on the resource and the multi-tenant app it federates into. */
export interface CmkIdentity {
  uamiResourceId: string;
  federatedClientId: string;
}

/**
 * One ARM write, exactly as it will be sent. `description` is one sentence for the operator. POST is a
 * provider action (`id` is the action's path), e.g. the SQL database encryption-protector revert.
 */
export const armWriteSchema = z.object({
  method: z.enum(["PUT", "PATCH", "POST"]),
  id: z.string(),
  apiVersion: z.string(),
  body: z.record(z.string(), z.unknown()),
  description: z.string(),
});
export type ArmWrite = z.infer<typeof armWriteSchema>;

export interface CmkProblem {
  code: string;
  message: string;
}

/** What a resource really uses, derived from what ARM returns (stored as IsvResource.observed). */
export const observedCmkSchema = z.object({
  state: z.enum(["MICROSOFT_MANAGED", "APPLIED", "PENDING", "DRIFTED", "FAILED"]),
  keyUri: z.string().nullable(),
  keyVersion: z.string().nullable(),
  detail: z.string(),
  azureStatus: z.string().optional(),
});
export type ObservedCmk = z.infer<typeof observedCmkSchema>;

/** Why an operation on a resource failed: Azure's code and words, and ours (stored as Job.error and lastError). */
export const cmkFailureSchema = z.object({
  code: z.string(),
  message: z.string(),
  what: z.string(),
  todo: z.string(),
  at: z.iso.datetime(),
});
export type CmkFailure = z.infer<typeof cmkFailureSchema>;

export interface CmkInput {
  resource: { id: string; location: string; body: unknown };
  key: CmkKeyRef;
  identity: CmkIdentity;
  cloudName: string;
}

/** One module per resource type, all behind this interface. */
export interface CmkModule {
  kind: ResourceKind;
  apiVersion: string;
  label: string;
  /** Refusals before any write: type, size, version form, cloud; pure. */
  check(input: CmkInput): CmkProblem[];
  /** The exact ARM requests, in order; pure. */
  plan(input: CmkInput): ArmWrite[];
  /** Back to Microsoft-managed keys; empty where the service does not allow it (see `revertNote`). */
  planRevert(input: { resource: { id: string; body: unknown } }): ArmWrite[];
  revertNote?: string;
  /** The resource to GET for observe(), when it is not the resource itself (SQL: its encryption protector). */
  observeId?(armId: string): { id: string; apiVersion: string };
  observe(body: unknown, expected?: CmkKeyRef): ObservedCmk;
}
