import { z } from "zod";
import type { CloudProfile } from "@/lib/azure/clouds";

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** The customer's own values the scripts are filled with. Validated so that no value can break out of its quotes. */
export const scriptValuesSchema = z.object({
  tenantId: guid,
  appId: guid,
  appDisplayName: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[\w .,()&-]+$/),
  servicePrincipalObjectId: guid,
  vaultName: z
    .string()
    .regex(/^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/i, "vault names are 3-24 letters, digits and hyphens"),
  keyName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/),
  resourceGroup: z.string().regex(/^[\w.()-]{1,90}$/),
  location: z.string().regex(/^[a-z0-9]{2,40}$/),
  scope: z.enum(["vault", "key"]),
  kind: z.enum(["VAULT", "MANAGED_HSM"]),
});

export type ScriptValues = z.infer<typeof scriptValuesSchema> & { cloud: CloudProfile };

export function validateScriptValues(values: ScriptValues): ScriptValues {
  return { ...scriptValuesSchema.parse(values), cloud: values.cloud };
}

/** The key URI suffix as the customer's cloud writes it. */
export function vaultHost(values: ScriptValues): string {
  const suffix =
    values.kind === "MANAGED_HSM" ? values.cloud.managedHsmSuffixes[0] : values.cloud.keyVaultSuffixes[0];
  return `${values.vaultName}.${suffix}`;
}

/** Suggested names from the customer's and the ISV's names, valid for Key Vault. */
export function suggestNames(customerName: string, isvName: string, onboardingId: string) {
  const slug = (s: string, max: number) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "");
  const customer = slug(customerName, 10) || "customer";
  const isv = slug(isvName, 20) || "isv";
  return {
    vaultName: `kv-${customer}-${onboardingId.replace(/-/g, "").slice(-6)}`.replace(/--+/g, "-"),
    keyName: `${isv}-cmk`,
    resourceGroup: `rg-${isv}-keys`,
  };
}
