import { validateScriptValues, type ScriptValues } from "./input";

export interface PortalStep {
  title: string;
  detail: string;
  values?: { label: string; value: string }[];
}

/** The same set-up as click-path in the customer's Azure portal, naming the exact blades and fields. */
export function portalSteps(input: ScriptValues): PortalStep[] {
  const v = validateScriptValues(input);
  if (v.kind === "MANAGED_HSM") {
    return [
      {
        title: "Use the CLI or PowerShell for Managed HSM",
        detail:
          "Creating and activating a Managed HSM (security domain download) is not possible in the portal alone; use one of the scripts.",
      },
    ];
  }
  return [
    {
      title: "Create a key vault",
      detail: `In ${v.cloud.portalUrl}, open Key vaults → Create. Basics: pick your subscription, resource group and region (the region of the services that will use the key), pricing tier Standard (or Premium for HSM-backed keys), Days to retain deleted vaults 90, and select “Enable purge protection”. Access configuration: “Azure role-based access control”. Create.`,
      values: [
        { label: "Key vault name", value: v.vaultName },
        { label: "Region", value: v.location },
      ],
    },
    {
      title: "Let yourself create keys",
      detail:
        "In the vault: Access control (IAM) → Add → Add role assignment → “Key Vault Crypto Officer” → Members: yourself → Review + assign.",
    },
    {
      title: "Generate the key",
      detail:
        "Objects → Keys → Generate/Import. Options: Generate; Key type RSA; RSA key size 3072; enabled; no activation or expiration date unless your policy needs one. Create.",
      values: [{ label: "Name", value: v.keyName }],
    },
    {
      title: `Allow ${v.appDisplayName} to use the key`,
      detail: `${v.scope === "key" ? "Open the key, then " : "In the vault, "}Access control (IAM) → Add → Add role assignment → “Key Vault Crypto Service Encryption User” → Members: “User, group, or service principal” → Select members → search for the app's name or paste its object ID → Review + assign.`,
      values: [
        { label: "App", value: v.appDisplayName },
        { label: "Object ID", value: v.servicePrincipalObjectId },
      ],
    },
    {
      title: "Copy the key identifier",
      detail:
        "Open the key, then its current version, and copy “Key Identifier”. Paste it below; you may remove the version part to let services follow new versions.",
    },
  ];
}

/** Versioned vs versionless key URIs, and what each means for rotation in each service. */
export const KEY_URI_FORMS = [
  "Versionless (…/keys/{name}): services follow your key's newest version. Storage checks daily; disk encryption sets within an hour; Azure SQL within 60 minutes when auto-rotation is on; Cosmos DB always uses the versionless form. Rotating is then one step on your side: create a new version.",
  "Versioned (…/keys/{name}/{version}): pinned to that version until you or we change it. Rotation needs a new URI handed over; disabling an old version breaks the services still pinned to it.",
] as const;
