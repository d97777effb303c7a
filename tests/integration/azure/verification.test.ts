import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CustomerSession } from "../../../lib/auth/session";
import { AppError } from "../../../lib/errors";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { submitCustomerKey } from "../../../lib/onboarding/submit-customer-key";
import type { VerificationResult } from "../../../lib/keys/verify/types";
import {
  control,
  grantHsmServiceRole,
  runCustomerHsmScript,
  runCustomerScript,
  TENANTS,
  type ScriptOptions,
} from "../../../scripts/lib/emulated-customer";
import { createTestDatabase } from "../helpers/db";
import { consentAs, newInvite, signInCustomer } from "./onboarding-helpers";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let session: CustomerSession;
let spObjectId: string;
let onboardingId: string;
const emulatorUrl = () => inject("emulatorUrl");
const ADMIN = "admin@contoso.onmicrosoft.com";

beforeAll(async () => {
  t = await createTestDatabase();
  const invite = await newInvite(t.db, "Contoso Verify", TENANTS.contoso.domain);
  onboardingId = invite.onboarding.id;
  session = await signInCustomer(t.db, invite.token, ADMIN);
  const { outcome } = await consentAs(t.db, session, ADMIN);
  if (outcome.kind !== "consented") throw new Error(`consent failed: ${JSON.stringify(outcome)}`);
  spObjectId = outcome.servicePrincipalObjectId;
});
afterAll(() => t.drop());

let counter = 0;
async function script(extra: Partial<ScriptOptions> = {}) {
  counter += 1;
  return runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANTS.contoso,
    adminUpn: ADMIN,
    spObjectId,
    vaultName: `kv-verify-${counter}`,
    keyName: "cmk",
    ...extra,
  });
}

async function submitAndVerify(keyUri: string): Promise<VerificationResult> {
  const key = await submitCustomerKey(t.db, { session, keyUri });
  const { result } = await runKeyVerification(t.db, { keyId: key.id });
  return result!;
}

const hop = (r: VerificationResult, id: string) => r.hops.find((h) => h.id === id)!;
const statuses = (r: VerificationResult) => Object.fromEntries(r.hops.map((h) => [h.id, h.status]));

describe("[verify] hop-by-hop verification of the customer's key", () => {
  it("a correct versionless key passes every hop, its facts are stored and the onboarding is key-verified", async () => {
    const { versionlessUri } = await script();
    const result = await submitAndVerify(versionlessUri);
    expect(statuses(result)).toEqual({
      token: "passed",
      vault: "passed",
      key: "passed",
      properties: "passed",
      purge_protection: "passed",
      wrap_unwrap: "passed",
    });
    const stored = await t.db.customerKey.findFirstOrThrow({ where: { onboardingId, status: "ACTIVE" } });
    expect(stored).toMatchObject({
      verificationStatus: "VERIFIED",
      keyType: "RSA",
      keySize: 3072,
      keyEnabled: true,
      keyVersion: null,
      recoveryLevel: "Recoverable",
    });
    expect(stored.verifiedVersion).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboardingId } })).state).toBe(
      "KEY_VERIFIED",
    );
  });

  it("a versioned URI of the same kind of key passes too, and replaces the previous key", async () => {
    const { keyId } = await script();
    expect(statuses(await submitAndVerify(keyId)).wrap_unwrap).toBe("passed");
    expect(await t.db.customerKey.count({ where: { onboardingId, status: "ACTIVE" } })).toBe(1);
  });

  it("a disabled key fails at its properties with the command that enables it", async () => {
    const { versionlessUri, keys } = await script();
    await keys.updateKeyProperties("cmk", { enabled: false });
    const result = await submitAndVerify(versionlessUri);
    expect(result.outcome).toBe("failed");
    expect(hop(result, "properties")).toMatchObject({ status: "failed" });
    expect(hop(result, "properties").summary).toMatch(/disabled/);
    expect(hop(result, "properties").fix).toContain("--enabled true");
  });

  it("an expired key is refused: Azure cannot wrap with it", async () => {
    const { versionlessUri, keys } = await script();
    await keys.updateKeyProperties("cmk", { expiresOn: new Date(Date.now() - 86_400_000) });
    const result = await submitAndVerify(versionlessUri);
    expect(hop(result, "properties").summary).toMatch(/expired on/);
  });

  it("an EC key is refused with an RSA key to create instead", async () => {
    const { versionlessUri } = await script({ key: { kty: "EC", curve: "P-256" } });
    const result = await submitAndVerify(versionlessUri);
    expect(hop(result, "properties").summary).toMatch(/This is an EC key.*only RSA keys/);
    expect(hop(result, "properties").fix).toContain("--kty RSA --size 3072");
  });

  it("a vault without purge protection fails at that hop", async () => {
    const { versionlessUri } = await script({ purgeProtection: false });
    const result = await submitAndVerify(versionlessUri);
    expect(statuses(result).properties).toBe("passed");
    expect(hop(result, "purge_protection")).toMatchObject({ status: "failed" });
    expect(hop(result, "purge_protection").fix).toContain("--enable-purge-protection true");
  });

  it("a missing role is 'waiting' right after submission and 'failed' with the exact command once the window has passed", async () => {
    const { versionlessUri } = await script({ grantRole: false });
    const key = await submitCustomerKey(t.db, { session, keyUri: versionlessUri });
    const first = await runKeyVerification(t.db, { keyId: key.id });
    expect(first.retry).toBe(true);
    expect(hop(first.result!, "key")).toMatchObject({ status: "waiting", azureCode: "ForbiddenByRbac" });
    await t.db.customerKey.update({
      where: { id: key.id },
      data: { createdAt: new Date(Date.now() - 16 * 60_000) },
    });
    const later = await runKeyVerification(t.db, { keyId: key.id });
    expect(later.retry).toBe(false);
    expect(hop(later.result!, "key").status).toBe("failed");
    expect(hop(later.result!, "key").fix).toContain(
      `--assignee-object-id ${spObjectId} --assignee-principal-type ServicePrincipal`,
    );
  });

  it("a vault in another tenant is named as such", async () => {
    const other = await runCustomerScript({
      emulatorUrl: emulatorUrl(),
      tenant: TENANTS.adatum,
      adminUpn: "admin@adatum.onmicrosoft.com",
      spObjectId,
      vaultName: "kv-other-tenant",
      keyName: "cmk",
      grantRole: false,
    });
    const result = await submitAndVerify(other.versionlessUri);
    expect(hop(result, "vault").status).toBe("failed");
    expect(hop(result, "vault").summary).toMatch(
      new RegExp(`another Microsoft Entra tenant \\(${TENANTS.adatum.id}\\)`),
    );
  });

  it("a vault that does not exist fails at the vault hop: its name does not resolve, as in Azure", async () => {
    const result = await submitAndVerify("https://contoso-nowhere.vault.azure.net/keys/cmk");
    expect(result.outcome).toBe("failed");
    expect(hop(result, "token").status).toBe("passed");
    expect(hop(result, "vault")).toMatchObject({
      status: "failed",
      azureCode: "ENOTFOUND",
      summary:
        "The vault contoso-nowhere.vault.azure.net does not exist (the name does not resolve): check the vault name in the URI.",
    });
    expect(result.hops.filter((h) => h.status === "passed").map((h) => h.id)).not.toContain("vault");
  });

  it("a Managed HSM key without the app's local role fails at the key hop naming the HSM's role and command; granted on the HSM, every hop passes", async () => {
    const customer = { emulatorUrl: emulatorUrl(), tenant: TENANTS.contoso, adminUpn: ADMIN, spObjectId };
    const keyName = "verify-hsm-cmk";
    const { versionlessUri } = await runCustomerHsmScript({ ...customer, keyName, grantRole: false });
    const key = await submitCustomerKey(t.db, { session, keyUri: versionlessUri });
    const first = await runKeyVerification(t.db, { keyId: key.id });
    expect(first.retry).toBe(true);
    expect(hop(first.result!, "key")).toMatchObject({ status: "waiting", azureCode: "AccessDenied" });
    await t.db.customerKey.update({
      where: { id: key.id },
      data: { createdAt: new Date(Date.now() - 16 * 60_000) },
    });
    const refused = (await runKeyVerification(t.db, { keyId: key.id })).result!;
    expect(refused.outcome).toBe("failed");
    expect(statuses(refused)).toMatchObject({ token: "passed", vault: "passed", key: "failed" });
    expect(hop(refused, "key")).toMatchObject({
      azureCode: "AccessDenied",
      fix: `az keyvault role assignment create --hsm-name mhsm-contoso --role "Managed HSM Crypto Service Encryption User" --scope /keys/${keyName} --assignee-object-id ${spObjectId} --assignee-principal-type ServicePrincipal`,
    });
    expect(hop(refused, "key").summary).toContain('"Managed HSM Crypto Service Encryption User"');
    expect(hop(refused, "key").summary).toContain("local RBAC");

    await grantHsmServiceRole({ ...customer, keyName });
    const verified = await submitAndVerify(versionlessUri);
    expect(verified.outcome).toBe("verified");
    expect(verified.facts).toMatchObject({ keyType: "RSA-HSM", keySize: 3072, recoveryLevel: "Recoverable" });
  });

  it("a Managed HSM key URI is stored as one, and an HSM that does not exist fails at the vault or key", async () => {
    const result = await submitAndVerify("https://contoso-hsm.managedhsm.azure.net/keys/cmk");
    const stored = await t.db.customerKey.findFirstOrThrow({ where: { onboardingId, status: "ACTIVE" } });
    expect(stored).toMatchObject({ vaultKind: "MANAGED_HSM", vaultHost: "contoso-hsm.managedhsm.azure.net" });
    expect(result.outcome).toBe("failed");
    expect(hop(result, "token").status).toBe("passed");
    expect(["vault", "key"]).toContain(result.hops.find((h) => h.status === "failed")?.id);
  });

  it("a URI on a foreign host is refused at submission: nothing stored, the refusal audited", async () => {
    const state = async () =>
      (await t.db.tenantOnboarding.findUniqueOrThrow({ where: { id: onboardingId } })).state;
    const stateBefore = await state();
    for (const uri of [
      "https://127.0.0.1:8443/keys/cmk",
      "https://localhost/keys/cmk",
      "https://evil.example.com/keys/cmk",
      "https://kv-verify-1.vault.azure.net.evil.example.com/keys/cmk",
    ]) {
      const keysBefore = await t.db.customerKey.count();
      const error = await submitCustomerKey(t.db, { session, keyUri: uri }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BAD_REQUEST");
      expect(await t.db.customerKey.count()).toBe(keysBefore);
      const audit = await t.db.auditEvent.findFirstOrThrow({
        where: { onboardingId, action: "key.rejected" },
        orderBy: { id: "desc" },
      });
      expect(audit).toMatchObject({ outcome: "denied" });
      expect(JSON.stringify(audit.details)).toContain(uri);
    }
    expect(await state()).toBe(stateBefore);
  });

  it("a foreign host that reached the database anyway is refused by the Key Vault transport itself", async () => {
    const { versionlessUri } = await script();
    const key = await submitCustomerKey(t.db, { session, keyUri: versionlessUri });
    // As if written before the host rule existed: the transport's allowlist is the last line of defence.
    await t.db.customerKey.update({
      where: { id: key.id },
      data: { keyUri: "https://127.0.0.1:8443/keys/cmk", vaultHost: "127.0.0.1:8443" },
    });
    const { result } = await runKeyVerification(t.db, { keyId: key.id });
    expect(result!.outcome).toBe("failed");
    expect(hop(result!, "token").status).toBe("passed");
    const failed = result!.hops.find((h) => h.status === "failed")!;
    expect(failed.summary).toContain("Refusing to call 127.0.0.1:8443: not a Key Vault host");
  });

  it("a refusal during the wrap/unwrap round trip is shown on that hop, after the hops that passed", async () => {
    // Between reading the key and wrapping with it, the vault closes its firewall, then the key goes away:
    // Key Vault's own answers for each (innererror ForbiddenByFirewall; KeyNotFound).
    const cases = [
      {
        body: {
          error: {
            code: "Forbidden",
            message: "Client address is not authorized and caller is not a trusted service.",
            innererror: { code: "ForbiddenByFirewall" },
          },
        },
        status: 403,
        says: /firewall/i,
      },
      {
        body: {
          error: {
            code: "KeyNotFound",
            message: "A key with (name/id) cmk was not found in this key vault.",
          },
        },
        status: 404,
        says: /No key named "cmk"/,
      },
    ];
    for (const fault of cases) {
      const { versionlessUri } = await script();
      // Every attempt the SDK makes at wrapkey meets the fault; reading the key does not.
      await control(emulatorUrl(), "faults", {
        service: "keyvault",
        path: "/wrapkey$",
        status: fault.status,
        body: fault.body,
        count: 0,
      });
      try {
        const result = await submitAndVerify(versionlessUri);
        expect(result.outcome).toBe("failed");
        expect(statuses(result)).toEqual({
          token: "passed",
          vault: "passed",
          key: "passed",
          properties: "passed",
          purge_protection: "passed",
          wrap_unwrap: "failed",
        });
        expect(hop(result, "wrap_unwrap").summary).toMatch(fault.says);
      } finally {
        await control(emulatorUrl(), "faults", undefined, "DELETE");
      }
    }
  });

  it("the emulator is left as found", async () => {
    expect(await control(emulatorUrl(), "health")).toMatchObject({ status: "ok" });
  });
});
