import "server-only";
import { z } from "zod";
import type { Env } from "@/lib/env";

/**
 * The ISV's encryption identities: user-assigned managed identities that resources use to reach customer
 * keys, each federated into the CMK app by its own credential. A pool of several (per region, or per tier)
 * limits what one identity's compromise or misconfiguration can reach; every member spends one of the app's
 * 20 federated credentials
 * (https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations#general-federated-identity-credential-considerations).
 */
export interface EncryptionIdentity {
  /** The identity's resource name, also the name of its federated credential (`crosskey-<name>`). */
  name: string;
  resourceId: string;
  clientId: string;
  principalId: string;
  /** Regions whose resources use this identity; empty = every region no other identity claims. */
  regions: string[];
}

const UAMI_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)$/i;

/** One member of CMK_UAMI_POOL (a JSON array); the primary identity comes from CMK_UAMI_*. */
export const poolMemberSchema = z.object({
  resourceId: z.string().regex(UAMI_ID, "must be a user-assigned identity resource ID"),
  clientId: z.uuid(),
  principalId: z.uuid(),
  regions: z.array(z.string().regex(/^[a-z0-9]{2,40}$/)).min(1, "name the regions this identity serves"),
});
export const poolSchema = z.array(poolMemberSchema).max(19);

const nameOf = (resourceId: string) => UAMI_ID.exec(resourceId)?.[1] ?? resourceId;

/** The pool: the primary identity first (serving every region nobody else claims), then CMK_UAMI_POOL. */
export function getEncryptionIdentities(
  env: Pick<Env, "CMK_UAMI_RESOURCE_ID" | "CMK_UAMI_CLIENT_ID" | "CMK_UAMI_PRINCIPAL_ID" | "CMK_UAMI_POOL">,
): EncryptionIdentity[] {
  const primary: EncryptionIdentity = {
    name: nameOf(env.CMK_UAMI_RESOURCE_ID),
    resourceId: env.CMK_UAMI_RESOURCE_ID,
    clientId: env.CMK_UAMI_CLIENT_ID.toLowerCase(),
    principalId: env.CMK_UAMI_PRINCIPAL_ID.toLowerCase(),
    regions: [],
  };
  return [
    primary,
    ...env.CMK_UAMI_POOL.map((m) => ({
      name: nameOf(m.resourceId),
      resourceId: m.resourceId,
      clientId: m.clientId.toLowerCase(),
      principalId: m.principalId.toLowerCase(),
      regions: m.regions,
    })),
  ];
}

/** The identity a resource in `region` uses: the pool member that names the region, else the primary. */
export function pickEncryptionIdentity(pool: EncryptionIdentity[], region: string): EncryptionIdentity {
  return pool.find((i) => i.regions.includes(region.toLowerCase())) ?? pool[0]!;
}
