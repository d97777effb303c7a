import "server-only";
import { describeAzureError } from "@/lib/azure/azure-error";
import { evictCustomerTenantCredential, getCustomerTenantCredential } from "@/lib/azure/credentials";
import { getCloud } from "@/lib/env";

export type ConsentProof =
  { ok: true; servicePrincipalObjectId: string } | { ok: false; code: string; message: string };

// Entra creates the service principal at consent, but token issuance can lag it by seconds (replication).
const ATTEMPT_DELAYS_MS = [0, 1000, 2000, 4000];

/**
 * A token for the ISV's app in the customer tenant exists only if its service principal does. Always a fresh
 * token: a cached one (from an earlier onboarding of the same tenant) would name the service principal as it
 * was then — one the customer may since have deleted and re-created by consenting again — and the role the
 * customer assigns next would go to a principal that no longer exists.
 */
export async function proveConsent(tenantId: string): Promise<ConsentProof> {
  evictCustomerTenantCredential(tenantId);
  let last: ConsentProof = { ok: false, code: "Unknown", message: "not attempted" };
  for (const delay of ATTEMPT_DELAYS_MS) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    try {
      const token = await getCustomerTenantCredential(tenantId).getToken(getCloud().scopes.keyVault);
      if (!token) throw new Error("no token returned");
      const claims = JSON.parse(
        Buffer.from(token.token.split(".")[1] ?? "", "base64url").toString("utf8"),
      ) as { oid?: string; tid?: string };
      if (!claims.oid || claims.tid?.toLowerCase() !== tenantId.toLowerCase())
        return { ok: false, code: "UnexpectedToken", message: "The token came from another tenant." };
      return { ok: true, servicePrincipalObjectId: claims.oid.toLowerCase() };
    } catch (error) {
      const failure = describeAzureError(error);
      last = { ok: false, code: failure.code, message: failure.message };
      if (failure.code !== "AADSTS700016") return last;
    }
  }
  return last;
}
