import { z } from "zod";

/** The `arm` section of a world file: subscriptions, resource groups, role assignments, pre-existing resources. */
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export const armSubscriptionSchema = z.object({
  subscriptionId: guid,
  tenantId: guid,
  displayName: z.string().optional(),
});

export const armResourceGroupSchema = z.object({
  subscriptionId: guid,
  name: z.string().min(1).max(90),
  location: z.string(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const armRoleAssignmentSchema = z.object({
  /** GUID name of the assignment; generated when omitted. */
  name: guid.optional(),
  scope: z.string().startsWith("/"),
  /** Full id (`/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}`) or the bare GUID. */
  roleDefinitionId: z.string(),
  principalId: guid,
  principalType: z.enum(["User", "ServicePrincipal", "Group", "ForeignGroup", "Device"]).default("User"),
});

/**
 * A pre-existing resource, generic ARM shape. Key vaults (`Microsoft.KeyVault/vaults`) must carry
 * `properties.tenantId` (the tenant whose tokens the vault accepts), as real vaults do.
 */
export const armResourceSchema = z
  .object({
    id: z.string().startsWith("/subscriptions/"),
    type: z.string(),
    location: z.string(),
    tags: z.record(z.string(), z.string()).optional(),
    identity: z.record(z.string(), z.unknown()).optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((r, ctx) => {
    if (r.type.toLowerCase() === "microsoft.keyvault/vaults" && typeof r.properties.tenantId !== "string") {
      ctx.addIssue({
        code: "custom",
        message: "a key vault needs properties.tenantId",
        path: ["properties", "tenantId"],
      });
    }
  });

/** A key that exists in a world vault at load time (material is generated on load). */
export const armWorldKeySchema = z.object({
  vault: z.string().describe("vault name, e.g. contoso-cmk"),
  name: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/),
  kty: z.enum(["RSA", "RSA-HSM", "EC", "EC-HSM"]).default("RSA"),
  size: z.number().int().optional(),
  curve: z.enum(["P-256", "P-384", "P-521"]).optional(),
  enabled: z.boolean().default(true),
  /** A fixed version (32 hex), so a world can name a versioned key URL (disk encryption sets need one). */
  version: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});

export const armWorldSchema = z.object({
  subscriptions: z.array(armSubscriptionSchema).default([]),
  resourceGroups: z.array(armResourceGroupSchema).default([]),
  roleAssignments: z.array(armRoleAssignmentSchema).default([]),
  resources: z.array(armResourceSchema).default([]),
  keys: z.array(armWorldKeySchema).default([]),
});

export type ArmWorld = z.infer<typeof armWorldSchema>;
export type ArmWorldInput = z.input<typeof armWorldSchema>;
export type ArmResourceInput = z.infer<typeof armResourceSchema>;
