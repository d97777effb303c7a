import { z } from "zod";
import { CUSTOMER_CLOUDS, type CloudProfile } from "@/lib/azure/clouds";
import { AppError } from "@/lib/errors";

const guid = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `${what} must be a GUID`);

/** The customer's own values the scripts are filled with. Every one is checked before it reaches a shell. */
export const scriptInputSchema = z.object({
  cloud: z
    .custom<CloudProfile>(
      (c) => CUSTOMER_CLOUDS.some((known) => known.name === (c as { name?: unknown } | null)?.name),
      "the cloud must be Azure (global), Azure China or Azure Government",
    )
    // The scripts take endpoints and names from our own profile, never from the caller's object.
    .transform((c) => CUSTOMER_CLOUDS.find((known) => known.name === c.name) ?? c),
  tenantId: guid("the tenant ID"),
  appId: guid("the app ID"),
  appDisplayName: z
    .string()
    .min(1)
    .max(256)
    .refine((s) => !/[\p{C}\p{Zl}\p{Zp}]/u.test(s), "the app name has a line break or invisible character"),
  servicePrincipalObjectId: guid("the service principal object ID"),
  // docs/azure-contracts.md §6.1: vault and managed HSM names are 3–24 of [0-9a-zA-Z-], letter first, no "--".
  vaultName: z
    .string()
    .regex(
      /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
      "vault names have 3 to 24 letters, digits and hyphens, start with a letter, end with a letter or digit, and have no double hyphen",
    ),
  keyName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, "key names have 1 to 127 letters, digits and hyphens"),
  // ARM: 1–90 characters, not ending in a period (Unicode letters are allowed by Azure; kept to ASCII here).
  resourceGroup: z
    .string()
    .regex(/^[-\w.()]{0,89}[-\w()]$/, "resource group names have 1 to 90 letters, digits, _ - . ( )"),
  location: z.string().regex(/^[a-z][a-z0-9]{1,39}$/, "the region is written like westeurope, in lower case"),
  scope: z.enum(["vault", "key"]),
  kind: z.enum(["VAULT", "MANAGED_HSM"]),
});

export type ScriptInput = z.input<typeof scriptInputSchema>;
export type ValidScriptInput = z.output<typeof scriptInputSchema>;

/** Checks every value; throws rather than let a bad value produce a broken or dangerous script. */
export function validateScriptInput(input: ScriptInput): ValidScriptInput {
  const parsed = scriptInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new AppError(
    "BAD_REQUEST",
    `The script cannot be written for these values: ${problems.join("; ")}.`,
    {
      details: { problems },
    },
  );
}

/** The host a key URI for this vault or managed HSM will have, from the customer's cloud profile. */
export function keyStoreHost(input: ValidScriptInput): string {
  const suffixes =
    input.kind === "MANAGED_HSM" ? input.cloud.managedHsmSuffixes : input.cloud.keyVaultSuffixes;
  const suffix = suffixes[0];
  if (!suffix)
    throw new AppError("INTERNAL", `The ${input.cloud.displayName} profile lists no key store suffix.`);
  return `${input.vaultName.toLowerCase()}.${suffix}`;
}

/** Suggested names from the customer's and the ISV's names, valid for Key Vault. */
export function suggestNames(customerName: string, isvName: string, uniqueId: string) {
  const slug = (s: string, max: number) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "");
  const customer = slug(customerName, 10) || "customer";
  const isv = slug(isvName, 20) || "isv";
  const tail =
    uniqueId
      .replace(/[^a-z0-9]/gi, "")
      .slice(-6)
      .toLowerCase() || "000000";
  return {
    vaultName: `kv-${customer}-${tail}`.replace(/--+/g, "-"),
    keyName: `${isv}-cmk`,
    resourceGroup: `rg-${isv}-keys`,
  };
}
