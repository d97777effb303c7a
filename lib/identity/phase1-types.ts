import "server-only";
import { z } from "zod";
import { jsonColumn } from "@/lib/db/json-column";

export const findingStatusSchema = z.enum(["ok", "warning", "error"]);
export type FindingStatus = z.infer<typeof findingStatusSchema>;

const federatedCredentialBodySchema = z.object({
  name: z.string().optional(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()),
  description: z.string().optional(),
});

/** A change to one federated credential that Crosskey can make itself (Admin only, previewed, audited). */
export const credentialRepairSchema = z.object({
  identity: z.string(),
  method: z.enum(["POST", "PATCH"]),
  /** The credential a PATCH changes. */
  credentialId: z.string().optional(),
  /** The Graph URL, exactly as it will be called. */
  url: z.string(),
  body: federatedCredentialBodySchema,
});
export type CredentialRepair = z.infer<typeof credentialRepairSchema>;

/** One Phase 1 check: what was found, and when it is wrong, the fix in words and the exact command. */
export const phase1FindingSchema = z.object({
  id: z.string(),
  area: z.enum(["cmk-app", "credentials", "identities", "roles", "signin-app"]),
  status: findingStatusSchema,
  title: z.string(),
  detail: z.string(),
  fix: z.string().optional(),
  command: z.string().optional(),
  repair: credentialRepairSchema.optional(),
});
export type Phase1Finding = z.infer<typeof phase1FindingSchema>;

export const phase1ReportSchema = z.object({
  checkedAt: z.string(),
  status: findingStatusSchema,
  findings: z.array(phase1FindingSchema),
  /** Federated credentials on the CMK app against Entra's limit of 20 per app. */
  capacity: z.object({ used: z.number(), limit: z.number() }),
  credentials: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      issuer: z.string(),
      subject: z.string(),
      audiences: z.array(z.string()),
      trusts: z.string().nullable(),
    }),
  ),
  identities: z.array(
    z.object({
      name: z.string(),
      resourceId: z.string(),
      clientId: z.string(),
      principalId: z.string(),
      regions: z.array(z.string()),
      credential: z.string().nullable(),
    }),
  ),
});
export type Phase1Report = z.infer<typeof phase1ReportSchema>;

/** `IsvIdentity.lastCheck`: the last Phase 1 report, checked on write and parsed on read. */
export const phase1ReportColumn = jsonColumn("identity's last check", phase1ReportSchema);
