import { inject } from "vitest";
import type { Db } from "../../../lib/db/create-db";
import { runKeyVerification } from "../../../lib/onboarding/run-key-verification";
import { runApplyJob } from "../../../lib/operations/run-apply-job";
import { seedOnboardedCustomer } from "../../../prisma/seed/factories";
import { installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";

const CMK_APP = "22222222-2222-4222-8222-222222222222";

/**
 * A customer as it stands after onboarding: consent in its demo tenant, its script's vault and key (named
 * `cmk`, versionless hand-over) and the key verified through the federated chain by the real verification.
 */
export async function onboardVerifiedCustomer(
  db: Db,
  input: { tenant: keyof typeof TENANTS; name: string; vaultName: string },
) {
  const tenant = TENANTS[input.tenant];
  const adminUpn = `admin@${tenant.domain}`;
  const spObjectId = await installApp(inject("emulatorUrl"), tenant.id, adminUpn, CMK_APP);
  const script = await runCustomerScript({
    emulatorUrl: inject("emulatorUrl"),
    tenant,
    adminUpn,
    spObjectId,
    vaultName: input.vaultName,
    keyName: "cmk",
  });
  const seeded = await seedOnboardedCustomer(db, {
    name: input.name,
    tenantId: tenant.id,
    adminUpn,
    spObjectId,
    keyUri: script.versionlessUri,
    vaultHost: `${input.vaultName}.vault.azure.net`,
    keyName: "cmk",
  });
  const verified = await runKeyVerification(db, { keyId: seeded.key.id });
  if (verified.result?.outcome !== "verified") throw new Error(`${input.name}: key not verified`);
  return { id: seeded.customer.id, keyId: seeded.key.id, spObjectId, keys: script.keys };
}

/** What the worker does with one job's messages, honouring the delay each asks for; the job's last outcome. */
export async function driveJob(db: Db, jobId: string) {
  for (let i = 0; i < 20; i++) {
    const outcome = await runApplyJob(db, jobId, { writesPerSecond: 50 });
    if (outcome.kind !== "retry") return outcome.kind;
    await new Promise((r) => setTimeout(r, outcome.afterSeconds * 1000));
  }
  throw new Error("job never finished");
}
