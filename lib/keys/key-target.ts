import "server-only";
import type { CustomerKey } from "@/lib/generated/prisma/client";
import type { KeyTarget } from "./verify/types";

/** Where a stored customer key lives, from its row: the one mapping verification and the resource modules share. */
export function keyTargetOf(
  key: Pick<CustomerKey, "keyUri" | "vaultHost" | "vaultKind" | "keyName" | "keyVersion">,
): KeyTarget {
  return {
    uri: key.keyUri,
    vaultUri: `https://${key.vaultHost}`,
    vaultName: key.vaultHost.split(".")[0] ?? key.vaultHost,
    vaultKind: key.vaultKind,
    keyName: key.keyName,
    keyVersion: key.keyVersion,
  };
}
