import "server-only";
import { CUSTOMER_CLOUDS, type CloudName } from "@/lib/azure/clouds";
import { azureCliScript } from "./azure-cli";
import { portalSteps, type PortalStep } from "./portal";
import { powerShellScript } from "./powershell";

/** The customer's own values the scripts are filled with (the variant is chosen apart). */
export interface ScriptDefaults {
  tenantId: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalObjectId: string;
  vaultName: string;
  keyName: string;
  resourceGroup: string;
  location: string;
  cloud: CloudName;
}

/** Which of the script's forms the customer asked for. */
export interface ScriptVariant {
  cloud: CloudName;
  kind: "VAULT" | "MANAGED_HSM";
  scope: "vault" | "key";
}

/** The three forms of one variant; rendered on the server so that the validation never ships to the browser. */
export interface RenderedScripts {
  azureCli: string;
  powerShell: string;
  portal: PortalStep[];
}

export function renderScripts(defaults: ScriptDefaults, variant: ScriptVariant): RenderedScripts {
  const cloud = CUSTOMER_CLOUDS.find((c) => c.name === variant.cloud) ?? CUSTOMER_CLOUDS[0]!;
  const values = { ...defaults, cloud, kind: variant.kind, scope: variant.scope };
  return {
    azureCli: azureCliScript(values),
    powerShell: powerShellScript(values),
    portal: portalSteps(values),
  };
}
