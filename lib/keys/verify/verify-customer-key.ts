import "server-only";
import crypto from "node:crypto";
import type { KeyVaultKey } from "@azure/keyvault-keys";
import { describeAzureError } from "@/lib/azure/azure-error";
import { evictCustomerTenantCredential, getCustomerTenantCredential } from "@/lib/azure/credentials";
import { getCustomerKeyClient, remoteWrapUnwrap } from "@/lib/azure/key-vault";
import { getCloud, getEnv } from "@/lib/env";
import { classifyKeyVaultFailure } from "./classify";
import { checkKeyProperties, checkPurgeProtection, factsOf } from "./properties";
import { keyVaultTokenScope } from "./token-scope";
import { HOPS, type HopId, type HopResult, type KeyTarget, type VerificationResult } from "./types";

export interface VerifyInput {
  tenantId: string;
  spObjectId: string;
  key: KeyTarget;
  /** While inside this window a 403 counts as "role still propagating", not as a failure. */
  inPropagationWindow: boolean;
}

/**
 * Walks the path Azure services will take to the customer's key, hop by hop, exactly as the ISV's app:
 * a token in the customer's tenant, the vault, the key, its properties, purge protection, and a real
 * wrap/unwrap round trip. Stops at the first broken hop and says why and how to fix it.
 */
export async function verifyCustomerKey(input: VerifyInput): Promise<VerificationResult> {
  const { key } = input;
  const isvName = getEnv().ISV_NAME;
  const results: HopResult[] = [];
  const done = (
    outcome: VerificationResult["outcome"],
    facts?: VerificationResult["facts"],
  ): VerificationResult => ({
    outcome,
    facts,
    checkedAt: new Date().toISOString(),
    hops: HOPS.map(({ id, label }): HopResult => {
      const found = results.find((r) => r.id === id);
      return found
        ? { ...found, label }
        : { id, label, status: "skipped", summary: "Not checked: an earlier step did not pass." };
    }),
  });
  const fail = (hop: HopResult) => {
    results.push(hop);
    return done(hop.status === "waiting" ? "waiting_for_role" : "failed");
  };

  const scope = keyVaultTokenScope(key.vaultKind, getCloud());
  try {
    // CAE-capable, as the Key Vault client asks: @azure/identity caches CAE and non-CAE tokens apart, and one
    // token per tenant serves every later call.
    await getCustomerTenantCredential(input.tenantId).getToken(scope, { enableCae: true });
    results.push(pass("token", `${isvName}'s app signed in to your tenant as its service principal.`));
  } catch (error) {
    const failure = describeAzureError(error);
    const missing = failure.code === "AADSTS700016";
    return fail({
      id: "token",
      label: "token",
      status: "failed",
      summary: missing
        ? `${isvName}'s app is not installed in your tenant: admin consent is missing or was removed.`
        : `${isvName}'s app could not sign in to your tenant (${failure.message}). This is on ${isvName}'s side; we have been notified.`,
      azureCode: failure.code,
      fix: missing ? "Grant admin consent again from this page." : undefined,
    });
  }

  const keys = getCustomerKeyClient(input.tenantId, key.vaultUri);
  const context = (during: HopId) => ({
    key,
    spObjectId: input.spObjectId,
    isvName,
    inPropagationWindow: input.inPropagationWindow,
    during,
  });
  let bundle: KeyVaultKey;
  try {
    bundle = await keys.getKey(key.keyName, key.keyVersion ? { version: key.keyVersion } : {});
  } catch (error) {
    const hop = classifyKeyVaultFailure(describeAzureError(error), context("key"));
    if (hop.id === "key") results.push(pass("vault", `${key.vaultName} answered.`));
    return fail(hop);
  }
  results.push(
    pass("vault", `${key.vaultName} answered.`),
    pass("key", `Read key ${key.keyName}, version ${bundle.properties.version}.`),
  );

  const facts = factsOf(bundle);
  const properties = checkKeyProperties(facts, key);
  results.push(properties);
  if (properties.status === "failed") return done("failed", facts);
  const purge = checkPurgeProtection(facts, key);
  results.push(purge);
  if (purge.status === "failed") return done("failed", facts);

  try {
    const cek = crypto.randomBytes(32);
    // The version just read: a versionless URI is checked against the version Azure would use today.
    const unwrapped = await remoteWrapUnwrap(
      input.tenantId,
      `${key.vaultUri}/keys/${key.keyName}/${facts.version}`,
      scope,
      cek,
    );
    if (!unwrapped.equals(cek)) {
      return fail({
        id: "wrap_unwrap",
        label: "",
        status: "failed",
        summary: "The key unwrapped a different value than it wrapped; contact support.",
      });
    }
    results.push(pass("wrap_unwrap", "Wrapped and unwrapped a random 256-bit key with RSA-OAEP-256."));
  } catch (error) {
    // The vault and the key answered moments ago: whatever broke (a reset connection included) broke during
    // the round trip, and the customer is told so on that hop rather than "an earlier step did not pass".
    const hop = classifyKeyVaultFailure(describeAzureError(error), context("wrap_unwrap"));
    return fail({ ...hop, id: "wrap_unwrap" });
  }
  return done("verified", facts);
}

/**
 * {@link verifyCustomerKey}, with a refusal proved by a fresh token before it is reported. A cached token
 * can outlive the consent it came from: when the customer deletes the app and consents again, the token
 * still names the old service principal, which no role names any more. Consent is proved the same way.
 */
export async function verifyCustomerKeyFreshOnRefusal(input: VerifyInput): Promise<VerificationResult> {
  const result = await verifyCustomerKey(input);
  if (result.outcome === "verified" || !refusedAccess(result)) return result;
  evictCustomerTenantCredential(input.tenantId);
  return verifyCustomerKey(input);
}

/** Azure refused the app itself (no role, no token, app not in the tenant), as opposed to the key or vault. */
function refusedAccess(result: VerificationResult): boolean {
  return result.hops.some(
    (h) =>
      (h.status === "failed" || h.status === "waiting") &&
      ["ForbiddenByRbac", "AccessDenied", "AADSTS700016", "Unauthorized"].includes(h.azureCode ?? ""),
  );
}

function pass(id: HopId, summary: string): HopResult {
  return { id, label: id, status: "passed", summary };
}
