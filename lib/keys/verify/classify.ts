import "server-only";
import type { AzureFailure } from "@/lib/azure/azure-error";
import { grantRoleCommand } from "./fixes";
import type { HopId, HopResult, KeyTarget } from "./types";

/** Where a failure of a Key Vault call belongs in the hop list, and what to tell the customer. */
export function classifyKeyVaultFailure(
  failure: AzureFailure,
  ctx: { key: KeyTarget; spObjectId: string; isvName: string; inPropagationWindow: boolean; during: HopId },
): HopResult {
  const { key, isvName } = ctx;
  const label = (id: HopId) => id;
  const code = failure.innerCode ?? failure.code;
  if (/^(ENOTFOUND|EAI_AGAIN)$/.test(failure.code)) {
    return hop(
      "vault",
      "failed",
      `The vault ${new URL(key.vaultUri).host} does not exist (the name does not resolve): check the vault name in the URI.`,
      failure.code,
    );
  }
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/.test(failure.code)) {
    return hop(
      "vault",
      "failed",
      `The vault did not answer (${failure.code}); if it only allows private endpoints, ${isvName} cannot reach it.`,
      failure.code,
    );
  }
  if (code === "ForbiddenByFirewall") {
    return hop(
      "vault",
      "failed",
      `Your vault's firewall refuses ${isvName}'s calls. Allow public access from selected networks including ${isvName}, or temporarily allow all networks while verifying.`,
      code,
      `az keyvault update --name ${key.vaultName} --default-action Allow`,
    );
  }
  // The SDK follows the vault's 401 challenge to the vault's own tenant; our credential is bound to the
  // consenting tenant, so a vault elsewhere surfaces as "not configured to acquire tokens for tenant …".
  const otherTenant = /acquire tokens for tenant ([0-9a-f-]{36})/i.exec(failure.message)?.[1];
  if (otherTenant) {
    return hop(
      "vault",
      "failed",
      `This vault belongs to another Microsoft Entra tenant (${otherTenant}) than the one that granted consent. Use a vault in the tenant you signed in with.`,
    );
  }
  if (failure.status === 401 && /AKV10032/.test(failure.message)) {
    return hop(
      "vault",
      "failed",
      "This vault belongs to a different Microsoft Entra tenant than the one that granted consent. Use a vault in the tenant you signed in with.",
      "AKV10032",
    );
  }
  if (code === "KeyNotFound" || failure.status === 404) {
    return hop(
      "key",
      "failed",
      `No key named "${key.keyName}"${key.keyVersion ? ` with version ${key.keyVersion}` : ""} exists in ${key.vaultName}: copy the Key Identifier again from the key's page.`,
      code,
    );
  }
  // A vault answers ForbiddenByRbac; a Managed HSM, whose roles are its own (local RBAC), answers AccessDenied.
  const hsm = key.vaultKind === "MANAGED_HSM";
  if (code === "ForbiddenByRbac" || (hsm && code === "AccessDenied")) {
    const what = ctx.during === "wrap_unwrap" ? "wrap and unwrap with" : "read";
    return hop(
      label(ctx.during === "wrap_unwrap" ? "wrap_unwrap" : "key"),
      ctx.inPropagationWindow ? "waiting" : "failed",
      ctx.inPropagationWindow
        ? `${isvName}'s app cannot ${what} the key yet. If you just assigned the role, Azure is still applying it (this can take a few minutes); we keep checking on our own.`
        : hsm
          ? `${isvName}'s app has no role on your Managed HSM that lets it ${what} the key: assign "Managed HSM Crypto Service Encryption User" to it on the key with the HSM's own role assignments (local RBAC). A role given on the HSM resource in the Azure portal's Access control (IAM) does not count.`
          : `${isvName}'s app has no role that lets it ${what} the key: assign "Key Vault Crypto Service Encryption User" to it on the vault or the key.`,
      code,
      grantRoleCommand(key, ctx.spObjectId),
    );
  }
  if (code === "ForbiddenByPolicy") {
    return hop(
      "key",
      "failed",
      `Your vault uses access policies, and none gives ${isvName}'s app get, wrapKey and unwrapKey. Add one, or switch the vault to Azure role-based access control.`,
      code,
      `az keyvault set-policy --name ${key.vaultName} --object-id ${ctx.spObjectId} --key-permissions get wrapKey unwrapKey`,
    );
  }
  if (code === "KeyDisabled" || /disabled/i.test(failure.message)) {
    return hop(
      ctx.during === "wrap_unwrap" ? "wrap_unwrap" : "properties",
      "failed",
      "The key is disabled; nothing can be encrypted with it until it is enabled.",
      code,
    );
  }
  return hop(ctx.during, "failed", `Key Vault refused the request: ${failure.message}`, code);
}

function hop(
  id: HopId,
  status: HopResult["status"],
  summary: string,
  azureCode?: string,
  fix?: string,
): HopResult {
  return { id, label: id, status, summary, azureCode, fix };
}
