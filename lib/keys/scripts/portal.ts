import { keyStoreHost, validateScriptInput, type ScriptInput, type ValidScriptInput } from "./input";
import { explainKeyUriForms } from "./key-uri-forms";
import { bashQuote } from "./quote";
import { ROLES } from "./roles";

/** One step of the portal click-path; `values` are what the customer types or pastes, each copyable. */
export interface PortalStep {
  title: string;
  detail: string;
  values?: { label: string; value: string }[];
}

/** The same set-up as a click-path in the customer's own Azure portal, naming the exact blades and fields. */
export function portalSteps(input: ScriptInput): PortalStep[] {
  const v = validateScriptInput(input);
  const open: PortalStep = {
    title: "Open the Azure portal in your tenant",
    detail: `Sign in to ${v.cloud.portalUrl} with an account of your tenant. If you belong to several, switch to it under Settings → Directories + subscriptions.`,
    values: [
      { label: "Portal", value: v.cloud.portalUrl },
      { label: "Tenant ID", value: v.tenantId },
    ],
  };
  return [open, ...(v.kind === "MANAGED_HSM" ? hsmSteps(v) : vaultSteps(v))];
}

function vaultSteps(v: ValidScriptInput): PortalStep[] {
  const host = keyStoreHost(v);
  return [
    {
      title: "Create a key vault",
      detail:
        "Search for “Key vaults” → Create. Basics: your subscription and resource group, the key vault name, the region of the services that will use the key, pricing tier Standard (Premium for HSM-protected keys), “Days to retain deleted vaults” 90, and select “Enable purge protection”. Access configuration: Permission model “Azure role-based access control”. Review + create → Create.",
      values: [
        { label: "Resource group", value: v.resourceGroup },
        { label: "Key vault name", value: v.vaultName },
        { label: "Region", value: v.location },
      ],
    },
    {
      title: "Let yourself create keys",
      detail: `In the new vault: Access control (IAM) → Add → Add role assignment → “${ROLES.cryptoOfficer.name}” → Next → Members: “User, group, or service principal” → Select members → yourself → Review + assign. It can take a minute or two to apply.`,
    },
    {
      title: "Generate the key",
      detail:
        "In the vault: Objects → Keys → Generate/Import. Options “Generate”, your key name, Key type “RSA”, RSA key size “3072”, Enabled “Yes”; leave activation and expiration dates unset unless your policy needs them. Create.",
      values: [{ label: "Name", value: v.keyName }],
    },
    {
      title: `Allow ${v.appDisplayName} to use the key`,
      detail: `${v.scope === "key" ? "Open the key (Objects → Keys → your key), then" : "In the vault,"} Access control (IAM) → Add → Add role assignment → “${ROLES.serviceEncryptionUser.name}” → Next → Members: “User, group, or service principal” → Select members → search for the app's name or paste its object ID, and check that the object ID shown matches → Select → Review + assign. This role can only read the key and wrap and unwrap with it.`,
      values: [
        { label: "Role", value: ROLES.serviceEncryptionUser.name },
        { label: "App", value: v.appDisplayName },
        { label: "Object ID", value: v.servicePrincipalObjectId },
      ],
    },
    {
      title: "Copy the key identifier",
      detail:
        "Open the key, select its current version and copy “Key Identifier”. Paste it below as it is, or without the last part (the version) so that services follow new versions.",
      values: [{ label: "It starts with", value: `https://${host}/keys/${v.keyName}/` }],
    },
  ];
}

function hsmSteps(v: ValidScriptInput): PortalStep[] {
  const keyScope = v.scope === "key" ? `/keys/${v.keyName}` : "/keys";
  return [
    {
      title: "Create a Managed HSM",
      detail:
        "Search for “Azure Key Vault Managed HSMs” → Create. Basics: your subscription and resource group, the HSM name, the region of the services that will use the key, Initial admin: yourself, “Days to retain deleted HSM” 90, and enable purge protection. Review + create → Create. It takes 15 to 30 minutes and is billed by the hour from then on.",
      values: [
        { label: "Resource group", value: v.resourceGroup },
        { label: "Managed HSM name", value: v.vaultName },
        { label: "Region", value: v.location },
      ],
    },
    {
      title: "Activate it (a ceremony, not a click)",
      detail:
        "A new Managed HSM holds no keys until its security domain is downloaded, encrypted to three or more RSA public keys whose private keys your custodians hold. The portal cannot do this: follow Microsoft's guide “Provision and activate a managed HSM using Azure CLI” (az keyvault security-domain download) and keep the file and the private keys safe.",
    },
    {
      title: "Create the key and allow the app to use it",
      detail: `Managed HSM keys and role assignments are made with its local RBAC: run these in Azure Cloud Shell (Bash), or use steps 3 and 4 of the CLI script. They give you “${ROLES.hsmCryptoUser.name}”, create an RSA-HSM 3072 key that can only wrap and unwrap, and give the app “${ROLES.hsmServiceEncryptionUser.name}”.`,
      values: [
        {
          label: "Let yourself create keys",
          value: `az keyvault role assignment create --hsm-name ${bashQuote(v.vaultName)} --role ${bashQuote(ROLES.hsmCryptoUser.name)} --scope /keys --assignee-object-id "$(az ad signed-in-user show --query id --output tsv)" --assignee-principal-type User`,
        },
        {
          label: "Create the key",
          value: `az keyvault key create --hsm-name ${bashQuote(v.vaultName)} --name ${bashQuote(v.keyName)} --kty RSA-HSM --size 3072 --ops wrapKey unwrapKey --query key.kid --output tsv`,
        },
        {
          label: "Allow the app",
          value: `az keyvault role assignment create --hsm-name ${bashQuote(v.vaultName)} --role ${bashQuote(ROLES.hsmServiceEncryptionUser.name)} --scope ${bashQuote(keyScope)} --assignee-object-id ${bashQuote(v.servicePrincipalObjectId)} --assignee-principal-type ServicePrincipal`,
        },
      ],
    },
    {
      title: "Copy the key identifier",
      detail:
        "The key command prints the key's identifier. Paste it below as it is, or without the last part (the version) so that services follow new versions.",
      values: [{ label: "It starts with", value: `https://${keyStoreHost(v)}/keys/${v.keyName}/` }],
    },
  ];
}

/** Versioned vs versionless key URIs as short lines, for pages that show a plain list. */
export const KEY_URI_FORMS: readonly string[] = explainKeyUriForms().map(
  (form) =>
    `${form.title} (${form.shape}): ${form.summary} ${form.services.map((s) => s.behaviour).join(" ")}`,
);
