import { randomUUID } from "node:crypto";
import { call, installApp, miToken, userToken } from "./resource-helpers.js";

/** Fixed ids of the demo world used by the resource-side tests (CONTRACT.md). */
export const IDS = {
  isvTenant: "11111111-1111-4111-8111-111111111111",
  isvSub: "aaaaaaaa-0000-4000-8000-000000000001",
  cmkAppId: "22222222-2222-4222-8222-222222222222",
  uamiCmk:
    "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk",
  appMiPrincipal: "77777777-7777-4777-8777-777777777777",
  appMiClientId: "66666666-6666-4666-8666-666666666666",
  cmkMiClientId: "44444444-4444-4444-8444-444444444444",
  contoso: "c0000000-0000-4000-8000-00000000c001",
  contosoSub: "aaaaaaaa-0000-4000-8000-00000000c001",
  contosoAdmin: "c0000000-0000-4000-8000-00000000a001",
  contosoAdminUpn: "admin@contoso.onmicrosoft.com",
  contosoDev: "c0000000-0000-4000-8000-00000000d001",
  contosoDevUpn: "dev@contoso.onmicrosoft.com",
  isvOpsAdminUpn: "ops-admin@fabrikamcloud.onmicrosoft.com",
};
export const ROLES = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  miOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
  cryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  serviceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
};
export const ISV_RG = `/subscriptions/${IDS.isvSub}/resourceGroups/crosskey-isv`;

/** A customer's setup as their script would do it: vault (ARM), key (Key Vault), role for the ISV app (ARM). */
export async function customerVault(
  url: string,
  armToken: string,
  o: {
    rg: string;
    vault: string;
    location?: string;
    purgeProtection?: boolean;
    adminOid: string;
  },
): Promise<{ vaultId: string }> {
  const vaultId = `${o.rg}/providers/Microsoft.KeyVault/vaults/${o.vault}`;
  await call(url, "PUT", `${o.rg}?api-version=2025-04-01`, armToken, {
    location: o.location ?? "westeurope",
  });
  const put = await call(url, "PUT", `${vaultId}?api-version=2023-07-01`, armToken, {
    location: o.location ?? "westeurope",
    properties: {
      tenantId: IDS.contoso,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      ...(o.purgeProtection === false ? {} : { enablePurgeProtection: true }),
    },
  });
  if (put.status !== 201) throw new Error(`vault: ${JSON.stringify(put.body)}`);
  await grant(url, armToken, vaultId, ROLES.cryptoOfficer, o.adminOid, "User");
  return { vaultId };
}

export async function grant(
  url: string,
  armToken: string,
  scope: string,
  role: string,
  principalId: string,
  principalType = "ServicePrincipal",
) {
  return call(
    url,
    "PUT",
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
    armToken,
    {
      properties: {
        roleDefinitionId: `/subscriptions/${scope.split("/")[2]}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId,
        principalType,
      },
    },
  );
}

export async function createKey(
  url: string,
  kvToken: string,
  vault: string,
  name: string,
  body: Record<string, unknown>,
): Promise<string> {
  const r = await call(
    url,
    "POST",
    `/keyvault/${vault}.vault.azure.net/keys/${name}/create?api-version=7.6`,
    kvToken,
    body,
  );
  if (r.status !== 200) throw new Error(`key: ${JSON.stringify(r.body)}`);
  return String((r.body.key as { kid: string }).kid);
}

/**
 * The tokens a CMK test starts from: the ISV app's managed identity on ARM, and Contoso's admin on ARM and Key
 * Vault after installing the ISV's multi-tenant app in Contoso (`sp`: its service principal there).
 */
export async function contosoWithIsvApp(url: string) {
  const isv = await miToken(url, IDS.appMiClientId, "https://management.azure.com/");
  const sp = await installApp(url, IDS.contoso, IDS.contosoAdminUpn, IDS.cmkAppId);
  const arm = await userToken(url, IDS.contoso, IDS.contosoAdminUpn, "https://management.azure.com/.default");
  const kv = await userToken(url, IDS.contoso, IDS.contosoAdminUpn, "https://vault.azure.net/.default");
  return { isv, sp, arm, kv };
}

/** A Storage account PATCH that encrypts it with `key` in `vault` through the CMK identity and the ISV app. */
export const storageCmk = (vault: string, key: string) => ({
  properties: {
    encryption: {
      keySource: "Microsoft.Keyvault",
      keyvaultproperties: { keyname: key, keyvaulturi: `https://${vault}.vault.azure.net` },
      identity: { userAssignedIdentity: IDS.uamiCmk, federatedIdentityClientId: IDS.cmkAppId },
    },
  },
});

/** The CMK identity as the ISV's resources carry it. */
export const CMK_UAMI_IDENTITY = { type: "UserAssigned", userAssignedIdentities: { [IDS.uamiCmk]: {} } };

/** Lets long-running operations end (emulator time) and reads `location`, as a poller would, so ARM commits them. */
export async function settle(
  em: { url: string; emu: { clock: { advance(seconds: number): void } } },
  token: string,
  location: string | null,
): Promise<void> {
  em.emu.clock.advance(2);
  if (location) await call(em.url, "GET", location.replace(em.url, ""), token);
}

/** A SQL server body with the CMK identity as its primary identity and the ISV app's federated client id. */
export const CMK_SQL_SERVER = {
  location: "westeurope",
  identity: CMK_UAMI_IDENTITY,
  properties: {
    administratorLogin: "sqladmin",
    administratorLoginPassword: "P@ssw0rd-123",
    primaryUserAssignedIdentityId: IDS.uamiCmk,
    federatedClientId: IDS.cmkAppId,
  },
};

/** SQL's server key name for a Key Vault key: `{vault}_{key}_{version}`. */
export function serverKeyName(kid: string): string {
  const [, , host = "", , name = "", version = ""] = kid.split("/");
  return `${host.split(".")[0]}_${name}_${version}`;
}
