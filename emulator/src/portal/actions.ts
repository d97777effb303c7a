import type { FastifyInstance } from "fastify";
import type { Emulator } from "../emulator.js";
import type { User } from "../core/directory.js";
import { AZURE_CLI_APP_ID, FIRST_PARTY_APPS } from "../core/first-party.js";
import { issueAccessToken } from "../entra/issue.js";

const CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";
const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
const KV_API = "api-version=7.5";
// Managed HSM local RBAC (keyvault/hsm-rbac.ts): Crypto User for the admin, Crypto Service Encryption User for the app.
const HSM_CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";
const HSM_SERVICE_ENCRYPTION_USER = "33413926-3206-4cdd-b39a-83574fe37a17";
const HSM_RESOURCE = "https://managedhsm.azure.net";
/** The token resource a vault or HSM host asks for. */
const dataResource = (host: string) =>
  /\.managedhsm\./i.test(host) ? HSM_RESOURCE : "https://vault.azure.net";

/**
 * What a person does by hand in the demo, done as that tenant's admin through the same HTTP APIs a customer's
 * script calls (in-process via fastify inject), so every ARM / Key Vault / Graph rule applies unchanged.
 */
export class PortalActions {
  constructor(
    private readonly emu: Emulator,
    private readonly app: FastifyInstance,
  ) {}

  adminOf(tenantId: string): User | undefined {
    return this.emu.directory
      .getTenant(tenantId)
      ?.users.find((u) => u.directoryRoles.includes("Global Administrator"));
  }

  private async token(user: User, identifier: string): Promise<string> {
    const fp = FIRST_PARTY_APPS.find((a) => a.identifierUris.includes(identifier));
    if (!fp) throw new Error(`unknown resource ${identifier}`);
    const resource = {
      appId: fp.appId,
      displayName: fp.displayName,
      audience: identifier,
      version: 1 as const,
      permissions: [".default"],
    };
    return (
      await issueAccessToken(
        this.emu,
        { kind: "user", tenantId: user.tenantId, user, clientId: AZURE_CLI_APP_ID, acr: "0" },
        resource,
      )
    ).token;
  }

  private async call(
    user: User,
    resource: string,
    method: "PUT" | "POST" | "PATCH",
    url: string,
    body: unknown,
  ): Promise<void> {
    const res = await this.app.inject({
      method,
      url,
      payload: JSON.stringify(body),
      headers: {
        authorization: `Bearer ${await this.token(user, resource)}`,
        "content-type": "application/json",
      },
    });
    if (res.statusCode >= 400) {
      const parsed = JSON.parse(res.body || "{}") as { error?: { code?: string; message?: string } };
      throw new Error(`${res.statusCode} ${parsed.error?.code ?? ""}: ${parsed.error?.message ?? res.body}`);
    }
  }

  /** The ISV's app installed in the tenant (what admin consent or `az ad sp create --id` does). */
  async installApp(user: User, appId: string): Promise<void> {
    await this.call(user, "https://graph.microsoft.com", "POST", "/graph/v1.0/servicePrincipals", { appId });
  }

  /** An RBAC vault (soft delete always; purge protection as chosen), plus Crypto Officer for the admin on it. */
  async createVault(
    user: User,
    input: {
      subscriptionId: string;
      resourceGroup: string;
      name: string;
      location: string;
      purgeProtection: boolean;
    },
  ): Promise<void> {
    const arm = "https://management.azure.com/";
    const rg = `/subscriptions/${input.subscriptionId}/resourceGroups/${input.resourceGroup}`;
    await this.call(user, arm, "PUT", `${rg}?api-version=2025-04-01`, { location: input.location });
    const vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/${input.name}`;
    await this.call(user, arm, "PUT", `${vaultId}?api-version=2024-11-01`, {
      location: input.location,
      properties: {
        tenantId: user.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        ...(input.purgeProtection ? { enablePurgeProtection: true } : {}),
      },
    });
    await this.assignRole(user, vaultId, CRYPTO_OFFICER, user.id, "User");
  }

  async createKey(
    user: User,
    vaultHost: string,
    input: { name: string; kty: string; size?: number; curve?: string },
  ): Promise<void> {
    const body = input.kty.startsWith("EC")
      ? { kty: input.kty, crv: input.curve ?? "P-256" }
      : { kty: input.kty, key_size: input.size ?? 3072 };
    await this.call(
      user,
      "https://vault.azure.net",
      "POST",
      `/keyvault/${vaultHost}/keys/${input.name}/create?${KV_API}`,
      body,
    );
  }

  async setKeyEnabled(user: User, vaultHost: string, name: string, enabled: boolean): Promise<void> {
    await this.call(user, dataResource(vaultHost), "PATCH", `/keyvault/${vaultHost}/keys/${name}?${KV_API}`, {
      attributes: { enabled },
    });
  }

  /**
   * A key in a Managed HSM, as the generated script makes it: the admin (the HSM's initial administrator, who holds
   * no key operation) first gives themself Managed HSM Crypto User at /keys with the HSM's local RBAC.
   */
  async createHsmKey(user: User, hsmHost: string, input: { name: string; size?: number }): Promise<void> {
    const mine = this.emu.keyVault.hsmRbac
      .list(hsmHost)
      .some((a) => a.principalId === user.id && a.roleDefinitionId.endsWith(HSM_CRYPTO_USER));
    if (!mine) await this.assignHsmRole(user, hsmHost, "/keys", HSM_CRYPTO_USER, user.id);
    await this.call(user, HSM_RESOURCE, "POST", `/keyvault/${hsmHost}/keys/${input.name}/create?${KV_API}`, {
      kty: "RSA-HSM",
      key_size: input.size ?? 3072,
      key_ops: ["wrapKey", "unwrapKey"],
    });
  }

  /** Managed HSM Crypto Service Encryption User for the ISV app on one key, with the HSM's local RBAC. */
  async grantIsvAppOnHsm(user: User, hsmHost: string, keyName: string, appId: string): Promise<void> {
    const sp = this.emu.directory.findServicePrincipal(user.tenantId, appId);
    if (!sp)
      throw new Error(
        "The ISV app has no service principal in this tenant yet: install it (admin consent) first.",
      );
    await this.assignHsmRole(user, hsmHost, `/keys/${keyName}`, HSM_SERVICE_ENCRYPTION_USER, sp.id);
  }

  private async assignHsmRole(
    user: User,
    hsmHost: string,
    scope: string,
    roleGuid: string,
    principalId: string,
  ): Promise<void> {
    await this.call(
      user,
      HSM_RESOURCE,
      "PUT",
      `/keyvault/${hsmHost}${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=7.4`,
      {
        properties: {
          roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
          principalId,
        },
      },
    );
  }

  /** Key Vault Crypto Service Encryption User for the ISV app's service principal, at vault or key scope. */
  async grantIsvApp(user: User, scope: string, appId: string): Promise<void> {
    const sp = this.emu.directory.findServicePrincipal(user.tenantId, appId);
    if (!sp)
      throw new Error(
        "The ISV app has no service principal in this tenant yet: install it (admin consent) first.",
      );
    await this.assignRole(user, scope, CRYPTO_SERVICE_ENCRYPTION_USER, sp.id, "ServicePrincipal");
  }

  private async assignRole(
    user: User,
    scope: string,
    roleGuid: string,
    principalId: string,
    principalType: string,
  ): Promise<void> {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
    await this.call(
      user,
      "https://management.azure.com/",
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
          principalId,
          principalType,
        },
      },
    );
  }
}
