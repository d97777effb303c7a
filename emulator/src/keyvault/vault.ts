import type { ArmResource } from "../arm/store.js";

/** What the data plane needs to know about a vault or managed HSM (read from its ARM resource). */
export interface VaultView {
  resourceId: string;
  name: string;
  host: string;
  kind: "vault" | "managedHsm";
  tenantId: string;
  location: string;
  rbac: boolean;
  softDelete: boolean;
  purgeProtection: boolean;
  retentionDays: number;
  networkAcls?: { defaultAction?: string; bypass?: string; ipRules?: { value: string }[] };
  accessPolicies: { tenantId: string; objectId: string; permissions: { keys?: string[] } }[];
  /** Managed HSM: `properties.initialAdminObjectIds`, its local Administrators (hsm-rbac.ts). */
  initialAdmins: string[];
  /** A vault always; a managed HSM once its security domain is activated (`activationStatus: Active`). */
  activated: boolean;
}

export function vaultView(r: ArmResource): VaultView {
  const p = r.properties;
  const hsm = r.type.toLowerCase() === "microsoft.keyvault/managedhsms";
  const uri = String(hsm ? p.hsmUri : p.vaultUri);
  return {
    resourceId: r.id,
    name: r.name,
    host: new URL(uri).host.toLowerCase(),
    kind: hsm ? "managedHsm" : "vault",
    tenantId: String(p.tenantId),
    location: r.location,
    // Managed HSM always uses (local) RBAC; vaults default to access policies unless enableRbacAuthorization.
    rbac: hsm || p.enableRbacAuthorization === true,
    softDelete: p.enableSoftDelete !== false,
    purgeProtection: p.enablePurgeProtection === true,
    retentionDays: typeof p.softDeleteRetentionInDays === "number" ? p.softDeleteRetentionInDays : 90,
    networkAcls: (p.networkAcls ?? undefined) as VaultView["networkAcls"],
    accessPolicies: Array.isArray(p.accessPolicies) ? (p.accessPolicies as VaultView["accessPolicies"]) : [],
    initialAdmins: Array.isArray(p.initialAdminObjectIds) ? p.initialAdminObjectIds.map(String) : [],
    activated:
      !hsm ||
      (p.securityDomainProperties as { activationStatus?: string } | undefined)?.activationStatus ===
        "Active",
  };
}

/** DeletionRecoveryLevel (§5.3): purge protection removes "+Purgeable"; < 90 days is "CustomizedRecoverable". */
export function recoveryLevel(v: VaultView): { recoveryLevel: string; recoverableDays: number } {
  const base = v.retentionDays < 90 ? "CustomizedRecoverable" : "Recoverable";
  if (!v.softDelete) return { recoveryLevel: "Purgeable", recoverableDays: 0 };
  return { recoveryLevel: v.purgeProtection ? base : `${base}+Purgeable`, recoverableDays: v.retentionDays };
}

export const VAULT_HOST =
  /^([0-9a-z-]{3,24})\.(vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net|managedhsm\.azure\.net|managedhsm\.azure\.cn|managedhsm\.usgovcloudapi\.net)(:443)?$/i;

/** Token resource for a host: the DNS suffix (`https://vault.azure.net`, `https://managedhsm.azure.cn`, ...). */
export const resourceForHost = (host: string): string =>
  `https://${host.toLowerCase().replace(/:443$/, "").split(".").slice(1).join(".")}`;
