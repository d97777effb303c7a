import { BlockList, isIPv4 } from "node:net";
import type { Emulator } from "../emulator.js";
import { forbidden } from "./errors.js";
import { HSM_KEY_ACTIONS, hsmAccessDenied } from "./hsm-rbac.js";
import type { VaultView } from "./vault.js";

/** Who is calling, as Key Vault logs it (`appid=…;oid=…;iss=…`). */
export interface KvCaller {
  oid: string;
  tid: string;
  appid: string;
  iss: string;
  ip: string;
  /** Set on the CMK path: an Azure service (Storage, Cosmos, SQL, DiskRP) is a "trusted Microsoft service". */
  trustedService?: boolean;
}

/** Data-plane key operations → RBAC data action suffix and access-policy permission. */
export const KEY_OPS = {
  get: { action: "keys/read", permission: "get" },
  list: { action: "keys/read", permission: "list" },
  create: { action: "keys/create/action", permission: "create" },
  update: { action: "keys/update/action", permission: "update" },
  rotate: { action: "keys/rotate/action", permission: "rotate" },
  delete: { action: "keys/delete", permission: "delete" },
  recover: { action: "keys/recover/action", permission: "recover" },
  wrapKey: { action: "keys/wrap/action", permission: "wrapKey" },
  unwrapKey: { action: "keys/unwrap/action", permission: "unwrapKey" },
  encrypt: { action: "keys/encrypt/action", permission: "encrypt" },
  decrypt: { action: "keys/decrypt/action", permission: "decrypt" },
} as const;
export type KeyOp = keyof typeof KEY_OPS;

const who = (c: KvCaller) => `appid=${c.appid};oid=${c.oid};iss=${c.iss}`;

export function checkFirewall(vault: VaultView, caller: KvCaller): void {
  const acls = vault.networkAcls;
  if (!acls || acls.defaultAction?.toLowerCase() !== "deny") return;
  if (caller.trustedService && acls.bypass?.toLowerCase() === "azureservices") return;
  const list = new BlockList();
  for (const rule of acls.ipRules ?? []) {
    const [addr = "", bits] = rule.value.split("/");
    const type = isIPv4(addr) ? "ipv4" : "ipv6";
    if (bits) list.addSubnet(addr, Number(bits), type);
    else list.addAddress(addr, type);
  }
  const ip = caller.ip.replace(/^::ffff:/, "");
  if (!list.check(ip, isIPv4(ip) ? "ipv4" : "ipv6")) {
    throw forbidden(
      `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${ip}\r\nCaller: ${who(caller)}\r\nVault: ${vault.name};location=${vault.location}`,
      "ForbiddenByFirewall",
    );
  }
}

/** RBAC vaults check data actions at key scope (inherits vault/RG/subscription); others use access policies. */
export function checkAccess(
  emu: Emulator,
  vault: VaultView,
  caller: KvCaller,
  op: KeyOp,
  keyName?: string,
): void {
  const { action, permission } = KEY_OPS[op];
  if (vault.kind === "managedHsm") {
    // Managed HSM: its own local role assignments, never Azure RBAC (hsm-rbac.ts).
    const hsmAction = HSM_KEY_ACTIONS[op];
    const scope = keyName ? `/keys/${keyName}` : "/keys";
    if (
      emu.keyVault.hsmRbac.allows(vault, {
        principalId: caller.oid,
        action: `Microsoft.KeyVault/managedHsm/${hsmAction}`,
        scope,
        atSeconds: emu.clock.nowSeconds(),
        propagationSeconds: emu.settings.rolePropagationSeconds,
      })
    )
      return;
    throw hsmAccessDenied(hsmAction, scope);
  }
  const dataAction = `Microsoft.KeyVault/vaults/${action}`;
  if (vault.rbac) {
    const scope = keyName ? `${vault.resourceId}/keys/${keyName}` : vault.resourceId;
    if (
      emu.arm.hasDataAction({
        principalId: caller.oid,
        tenantId: caller.tid,
        scope,
        dataAction,
        atSeconds: emu.clock.nowSeconds(),
      })
    )
      return;
    throw forbidden(
      "Caller is not authorized to perform action on resource.\r\n" +
        "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n" +
        `Caller: ${who(caller)}\r\nAction: '${dataAction}'\r\nResource: '${scope.toLowerCase()}'\r\n` +
        `Assignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC'\r\nVault: ${vault.name};location=${vault.location}\r\n`,
      "ForbiddenByRbac",
    );
  }
  const policy = vault.accessPolicies.find(
    (p) =>
      p.objectId.toLowerCase() === caller.oid.toLowerCase() &&
      p.tenantId.toLowerCase() === caller.tid.toLowerCase(),
  );
  const perms = (policy?.permissions.keys ?? []).map((k) => k.toLowerCase());
  if (perms.includes(permission.toLowerCase()) || perms.includes("all")) return;
  throw forbidden(
    `The user, group or application '${who(caller)}' does not have keys ${permission} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    "ForbiddenByPolicy",
  );
}
