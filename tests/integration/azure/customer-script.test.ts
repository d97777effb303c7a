import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CustomerSession } from "../../../lib/auth/session";
import { getCloudProfile } from "../../../lib/azure/clouds";
import { getEnv } from "../../../lib/env";
import { azureCliScript, suggestNames } from "../../../lib/keys/scripts";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { submitCustomerKey } from "../../../lib/onboarding/submit-customer-key";
import { TENANTS } from "../../../scripts/lib/emulated-customer";
import { runGeneratedScript } from "../../helpers/az-standin/run-script";
import { createTestDatabase } from "../helpers/db";
import { consentAs, newInvite, signInCustomer } from "./onboarding-helpers";

const ADMIN = "admin@contoso.onmicrosoft.com";
const emulatorUrl = () => inject("emulatorUrl");
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let session: CustomerSession;
let spObjectId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const invite = await newInvite(t.db, "Contoso Script", TENANTS.contoso.domain);
  session = await signInCustomer(t.db, invite.token, ADMIN);
  const { outcome } = await consentAs(t.db, session, ADMIN);
  if (outcome.kind !== "consented") throw new Error(`consent failed: ${JSON.stringify(outcome)}`);
  spObjectId = outcome.servicePrincipalObjectId;
});
afterAll(() => t.drop());

/** The Azure CLI script the customer page shows this customer (app/onboard/_components/key-step.tsx). */
function shownScript(
  overrides: {
    servicePrincipalObjectId?: string;
    vaultName?: string;
    keyName?: string;
    resourceGroup?: string;
    kind?: "VAULT" | "MANAGED_HSM";
  } = {},
) {
  const env = getEnv();
  return azureCliScript({
    tenantId: TENANTS.contoso.id,
    appId: env.CMK_APP_CLIENT_ID,
    appDisplayName: `${env.ISV_NAME} Encryption`,
    servicePrincipalObjectId: spObjectId,
    ...suggestNames("Contoso Script", env.ISV_NAME, TENANTS.contoso.id),
    location: env.ISV_PRIMARY_REGION,
    cloud: getCloudProfile("public"),
    kind: "VAULT",
    scope: "key",
    ...overrides,
  });
}
const run = (script: string, o: { azVersion?: string; password?: string } = {}) =>
  runGeneratedScript(script, {
    emulatorUrl: emulatorUrl(),
    upn: ADMIN,
    subscriptionId: TENANTS.contoso.subscription,
    ...o,
  });
const emulatorState = () => fetch(`${emulatorUrl()}/_emulator/state`).then((r) => r.text());

describe("[scripts] the generated Azure CLI script, run for real against the emulator", () => {
  it("creates the vault and key and grants the app its role: the key it prints verifies on every hop", async () => {
    const result = await run(shownScript());
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.versionedKeyId).toMatch(
      /^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/[\w-]+\/[0-9a-f]{32}$/,
    );
    expect(result.versionlessKeyId).toBe(result.versionedKeyId!.replace(/\/[0-9a-f]{32}$/, ""));

    const key = await submitCustomerKey(t.db, { session, keyUri: result.versionlessKeyId! });
    const { result: verification } = await runKeyVerification(t.db, { keyId: key.id });
    expect(verification!.outcome).toBe("verified");
    expect(verification!.hops.map((h) => h.status)).toEqual(Array(6).fill("passed"));
  });

  it("Managed HSM variant: grants roles with the HSM's local RBAC (az keyvault role assignment create --hsm-name); the key verifies", async () => {
    // The demo world's activated HSM mhsm-contoso (emulator/world/demo.json): Contoso's admin is its initial
    // administrator, so the script's own role assignments are what let the admin create the key and the app use it.
    const result = await run(
      shownScript({
        kind: "MANAGED_HSM",
        vaultName: "mhsm-contoso",
        resourceGroup: "rg-contoso-keys",
        keyName: "script-hsm-cmk",
      }),
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.versionedKeyId).toMatch(
      /^https:\/\/mhsm-contoso\.managedhsm\.azure\.net\/keys\/script-hsm-cmk\/[0-9a-f]{32}$/,
    );
    const key = await submitCustomerKey(t.db, { session, keyUri: result.versionlessKeyId! });
    const { result: verification } = await runKeyVerification(t.db, { keyId: key.id });
    expect(verification!.outcome).toBe("verified");
    expect(verification!.hops.map((h) => h.status)).toEqual(Array(6).fill("passed"));
    expect(verification!.facts).toMatchObject({ keyType: "RSA-HSM", keySize: 3072 });
  });

  it("Managed HSM variant on an HSM that does not exist yet: creates it (az keyvault create --hsm-name), then stops at activation, naming the security domain step", async () => {
    const result = await run(
      shownScript({
        kind: "MANAGED_HSM",
        vaultName: "contoso-script-newhsm",
        resourceGroup: "rg-contoso-newhsm",
        keyName: "script-newhsm-cmk",
      }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Managed HSM contoso-script-newhsm is not activated yet (status: NotActivated). Download its security domain, then run this script again.",
    );
    expect(result.versionedKeyId).toBeUndefined();
    const hsm = await fetch(`${emulatorUrl()}/_emulator/state`).then(
      (r) =>
        r.json() as Promise<{ arm: { resources: { id: string; properties: Record<string, unknown> }[] } }>,
    );
    expect(
      hsm.arm.resources.find((r) => r.id.endsWith("/managedHSMs/contoso-script-newhsm"))?.properties,
    ).toMatchObject({
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
      provisioningState: "Succeeded",
      securityDomainProperties: { activationStatus: "NotActivated" },
    });
  });

  it("stops before changing anything when the tenant's service principal is not the one consent created", async () => {
    const vaultName = "kv-script-wrongsp";
    const result = await run(
      shownScript({ servicePrincipalObjectId: "00000000-0000-4000-8000-000000000000", vaultName }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `has no service principal 00000000-0000-4000-8000-000000000000 in this tenant (it has ${spObjectId})`,
    );
    expect(await emulatorState()).not.toContain(vaultName);
  });

  it("an Azure CLI older than the minimum stops the script before it signs in, saying which version it needs", async () => {
    const vaultName = "kv-script-oldcli";
    const result = await run(shownScript({ vaultName }), { azVersion: "2.45.0" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      "This script needs Azure CLI 2.60.0 or later; this is 2.45.0. Run az upgrade (or update your package), then start again.",
    );
    expect(await emulatorState()).not.toContain(vaultName);
  });

  it("a failed sign-in stops at that step, with the Azure CLI's own error above it", async () => {
    const vaultName = "kv-script-nologin";
    const result = await run(shownScript({ vaultName }), { password: "not-the-password" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(
      /^ERROR: sign-in failed: AADSTS50126: Error validating credentials[\s\S]+\nStopped while signing in to AzureCloud \(exit code 1\): the error above says why\.\n$/,
    );
    expect(result.stderr).not.toContain("consent");
    expect(await emulatorState()).not.toContain(vaultName);
  });

  it("a Graph failure is reported as what it is, not as missing consent, and nothing is changed", async () => {
    const vaultName = "kv-script-graphfail";
    await fetch(`${emulatorUrl()}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "graph", status: 503, count: 1 }),
    });
    const result = await run(shownScript({ vaultName }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("ERROR: (ServiceUnavailable)");
    expect(result.stderr).toContain(
      "Could not read the service principal of Fabrikam Cloud Encryption (az exit code 1, error above). Nothing was changed.",
    );
    expect(result.stderr).not.toContain("grant admin consent");
    expect(await emulatorState()).not.toContain(vaultName);
  });
});
