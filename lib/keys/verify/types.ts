import "server-only";
import { z } from "zod";

/** One hop of the path from Crosskey to the customer's key, in the order they are checked. */
export const HOPS = [
  { id: "token", label: "Sign-in to your tenant" },
  { id: "vault", label: "Vault reachable" },
  { id: "key", label: "Key readable" },
  { id: "properties", label: "Key properties" },
  { id: "purge_protection", label: "Purge protection" },
  { id: "wrap_unwrap", label: "Wrap and unwrap" },
] as const;

export type HopId = (typeof HOPS)[number]["id"];
export type HopStatus = "passed" | "warning" | "failed" | "waiting" | "skipped";

export interface HopResult {
  id: HopId;
  label: string;
  status: HopStatus;
  /** One sentence: what was found, or why this hop broke. */
  summary: string;
  /** The command (or click-path) that fixes it, for the customer's admin. */
  fix?: string;
  /** Azure's own code, kept beside ours. */
  azureCode?: string;
}

export interface KeyFacts {
  keyType: string;
  keySize?: number;
  enabled: boolean;
  notBefore: string | null;
  expiresAt: string | null;
  recoveryLevel: string | null;
  version: string;
  keyOps: string[];
}

export type VerificationOutcome = "verified" | "waiting_for_role" | "failed";

export interface VerificationResult {
  outcome: VerificationOutcome;
  hops: HopResult[];
  facts?: KeyFacts;
  checkedAt: string;
}

const hopResultSchema = z.object({
  id: z.enum(HOPS.map((h) => h.id) as [HopId, ...HopId[]]),
  label: z.string(),
  status: z.enum(["passed", "warning", "failed", "waiting", "skipped"]),
  summary: z.string(),
  fix: z.string().optional(),
  azureCode: z.string().optional(),
}) satisfies z.ZodType<HopResult>;

/** A verification result as stored in CustomerKey.verification. */
export const verificationResultSchema = z.object({
  outcome: z.enum(["verified", "waiting_for_role", "failed"]),
  hops: z.array(hopResultSchema),
  facts: z
    .object({
      keyType: z.string(),
      keySize: z.number().optional(),
      enabled: z.boolean(),
      notBefore: z.string().nullable(),
      expiresAt: z.string().nullable(),
      recoveryLevel: z.string().nullable(),
      version: z.string(),
      keyOps: z.array(z.string()),
    })
    .optional(),
  checkedAt: z.string(),
}) satisfies z.ZodType<VerificationResult>;

/** The parts of a parsed key URI verification needs. */
export interface KeyTarget {
  uri: string;
  vaultUri: string;
  vaultName: string;
  vaultKind: "VAULT" | "MANAGED_HSM";
  keyName: string;
  keyVersion: string | null;
}
