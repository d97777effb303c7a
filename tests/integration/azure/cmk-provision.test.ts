import { describe, expect, inject, it } from "vitest";
import { readResource, resumeArmWrite, startArmWrite } from "../../../lib/azure/arm";
import { getCmkModule } from "../../../lib/cmk";
import { planCosmosAccountWithKey } from "../../../lib/cmk/provision-cosmos-account";
import { installApp, runCustomerScript, TENANTS } from "../../../scripts/lib/emulated-customer";

const RG = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers";
const UAMI = `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk`;
const APP = "22222222-2222-4222-8222-222222222222";
const ADMIN = "admin@contoso.onmicrosoft.com";

describe("[cmk] provisioning a new Cosmos DB account with the customer's key from the start (docs/azure-contracts.md §5.2)", () => {
  it("creates the account through the ARM adapter, follows the operation to the end, and reads back applied", async () => {
    const emulatorUrl = inject("emulatorUrl");
    const spObjectId = await installApp(emulatorUrl, TENANTS.contoso.id, ADMIN, APP);
    const { keyId } = await runCustomerScript({
      emulatorUrl,
      tenant: TENANTS.contoso,
      adminUpn: ADMIN,
      spObjectId,
      vaultName: "kv-cosmos-new",
      keyName: "cmk",
    });
    const version = keyId.split("/").at(-1)!;
    const key = {
      keyUri: keyId,
      vaultUri: "https://kv-cosmos-new.vault.azure.net",
      vaultName: "kv-cosmos-new",
      keyName: "cmk",
      keyVersion: version,
      verifiedVersion: version,
      keyType: "RSA",
      keySize: 3072,
      vaultKind: "VAULT" as const,
      tenantId: TENANTS.contoso.id,
    };
    const step = planCosmosAccountWithKey({
      id: `${RG}/Microsoft.DocumentDB/databaseAccounts/cosmos-new-with-key`,
      location: "westeurope",
      key,
      identity: { uamiResourceId: UAMI, federatedClientId: APP },
    });

    let progress = await startArmWrite(step);
    while (!progress.done) progress = await resumeArmWrite(step, progress.resumeState);
    const observed = getCmkModule("COSMOS_DB_ACCOUNT").observe(
      await readResource(step.id, step.apiVersion),
      key,
    );
    expect(observed).toMatchObject({
      state: "APPLIED",
      keyUri: "https://kv-cosmos-new.vault.azure.net/keys/cmk",
      keyVersion: version,
    });
  });
});
