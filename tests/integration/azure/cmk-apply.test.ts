import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { getArmClient, readResource, resumeArmWrite, startArmWrite } from "../../../lib/azure/arm";
import { describeAzureError } from "../../../lib/azure/azure-error";
import { getCmkModule } from "../../../lib/cmk";
import { discoverIsvResources, getResourceById } from "../../../lib/resources/discover-resources";
import { explainCmkError } from "../../../lib/cmk/explain-error";
import { planCosmosAccountWithKey } from "../../../lib/cmk/provision-cosmos-account";
import type { ArmWrite, CmkInput, CmkKeyRef } from "../../../lib/cmk/types";
import { readBack } from "../../../lib/operations/read-back";
import type { ResourceKind } from "../../../lib/generated/prisma/enums";
import {
  control,
  DEMO_HSM,
  installApp,
  runCustomerHsmScript,
  runCustomerScript,
  TENANTS,
} from "../../../scripts/lib/emulated-customer";
import { armWritesSoFar, faultsLeft as emulatorFaultsLeft } from "./emulator-counters";

// Litware: no other file consents in it, so its service principal and vaults are this file's own.
const TENANT = TENANTS.litware;
const ADMIN = "admin@litware.onmicrosoft.com";
const CONTOSO_ADMIN = "admin@contoso.onmicrosoft.com";
const APP = "22222222-2222-4222-8222-222222222222";
const ISV_SUB = "aaaaaaaa-0000-4000-8000-000000000001";
const RG = `/subscriptions/${ISV_SUB}/resourceGroups/crosskey-isv/providers`;
const UAMI = `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk`;
const identity = { uamiResourceId: UAMI, federatedClientId: APP };
const emulatorUrl = () => inject("emulatorUrl");

let spObjectId: string;
let key: CmkKeyRef;

/** The customer's key as verification records it: versionless hand-over, today's version verified. */
function keyRef(keyId: string, vaultName: string): CmkKeyRef {
  const version = keyId.split("/").at(-1)!;
  return {
    keyUri: `https://${vaultName}.vault.azure.net/keys/cmk`,
    vaultUri: `https://${vaultName}.vault.azure.net`,
    vaultName,
    keyName: "cmk",
    keyVersion: null,
    verifiedVersion: version,
    keyType: "RSA",
    keySize: 3072,
    vaultKind: "VAULT",
    tenantId: TENANT.id,
  };
}

/**
 * The ISV's own resources, created with the app's identity through the adapter, still Microsoft-managed.
 * SQL databases live on a server: they have their own file (sql-database.test.ts).
 */
type CreatableKind = Exclude<ResourceKind, "SQL_DATABASE">;
const CREATE: Record<CreatableKind, (name: string) => { id: string; apiVersion: string; body: object }> = {
  STORAGE_ACCOUNT: (name) => ({
    id: `${RG}/Microsoft.Storage/storageAccounts/${name}`,
    apiVersion: "2025-06-01",
    body: { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
  }),
  COSMOS_DB_ACCOUNT: (name) => ({
    id: `${RG}/Microsoft.DocumentDB/databaseAccounts/${name}`,
    apiVersion: "2025-10-15",
    body: {
      location: "westeurope",
      kind: "GlobalDocumentDB",
      properties: {
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: "westeurope", failoverPriority: 0 }],
      },
    },
  }),
  // A disk encryption set always has a key: it starts on the ISV's own platform key (demo world).
  DISK_ENCRYPTION_SET: (name) => ({
    id: `${RG}/Microsoft.Compute/diskEncryptionSets/${name}`,
    apiVersion: "2025-01-02",
    body: {
      location: "westeurope",
      identity: { type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } },
      properties: {
        activeKey: {
          keyUrl:
            "https://kv-fabrikam-platform.vault.azure.net/keys/platform-disks/5eed0000000000000000000000d15c01",
        },
        encryptionType: "EncryptionAtRestWithCustomerKey",
        rotationToLatestKeyVersionEnabled: true,
      },
    },
  }),
  SQL_SERVER: (name) => ({
    id: `${RG}/Microsoft.Sql/servers/${name}`,
    apiVersion: "2023-08-01",
    body: {
      location: "westeurope",
      properties: { administratorLogin: "crosskey", administratorLoginPassword: "Not-a-real-secret-1" },
    },
  }),
};

async function createIsvResource(kind: CreatableKind, name: string): Promise<CmkInput> {
  const r = CREATE[kind](name);
  await getArmClient(ISV_SUB).resources.beginCreateOrUpdateByIdAndWait(r.id, r.apiVersion, r.body, {
    updateIntervalInMs: 200,
  });
  return {
    resource: { id: r.id, location: "westeurope", body: await readResource(r.id, r.apiVersion) },
    key,
    identity,
    cloudName: "public",
  };
}

/** What the job does per step: one write, then resume from the poller state until Azure is done. */
async function applyStep(step: ArmWrite): Promise<unknown> {
  let progress = await startArmWrite(step);
  while (!progress.done) progress = await resumeArmWrite(step, progress.resumeState);
  return progress.body;
}

const writesSoFar = () => armWritesSoFar(emulatorUrl());
const faultsLeft = (path: string) => emulatorFaultsLeft(emulatorUrl(), path);

beforeAll(async () => {
  spObjectId = await installApp(emulatorUrl(), TENANT.id, ADMIN, APP);
  const { keyId } = await runCustomerScript({
    emulatorUrl: emulatorUrl(),
    tenant: TENANT,
    adminUpn: ADMIN,
    spObjectId,
    vaultName: "kv-litware-apply",
    keyName: "cmk",
  });
  key = keyRef(keyId, "kv-litware-apply");
});

afterEach(async () => {
  await control(emulatorUrl(), "faults", undefined, "DELETE");
  await control(emulatorUrl(), "settings", { lroSeconds: 1 }, "PATCH");
});

describe("[cmk] applying the customer's key to each resource type through the ARM adapter", () => {
  it.each<[CreatableKind, string, (body: unknown) => unknown]>([
    [
      "STORAGE_ACCOUNT",
      "stlitwareapply",
      (b) => (b as { properties: { encryption: unknown } }).properties.encryption,
    ],
    ["COSMOS_DB_ACCOUNT", "cosmos-litware-apply", (b) => (b as { properties: unknown }).properties],
    ["DISK_ENCRYPTION_SET", "des-litware-apply", (b) => (b as { properties: unknown }).properties],
    ["SQL_SERVER", "sql-litware-apply", (b) => (b as { properties: unknown }).properties],
  ])("%s: check, plan, apply, read back applied with the verified version", async (kind, name, pick) => {
    const cmk = getCmkModule(kind);
    const input = await createIsvResource(kind, name);
    // Before: Microsoft-managed, or (a disk encryption set) the ISV's own platform key.
    expect(cmk.observe(input.resource.body, key).state).toMatch(/^(MICROSOFT_MANAGED|DRIFTED)$/);
    expect(cmk.check(input)).toEqual([]);

    for (const step of cmk.plan(input)) await applyStep(step);

    const observed = await readBack(cmk, input.resource.id, key);
    expect(observed).toMatchObject({ state: "APPLIED", keyVersion: key.verifiedVersion });
    // The federated client reaches the resource under each service's own property name (§4.1–4.4).
    const body = pick(await readResource(input.resource.id, cmk.apiVersion));
    expect(JSON.stringify(body)).toContain(APP);
  });

  it("an existing Cosmos DB account with continuous backup takes the key in the documented order, which the service requires", async () => {
    const cmk = getCmkModule("COSMOS_DB_ACCOUNT");
    const r = CREATE.COSMOS_DB_ACCOUNT("cosmos-litware-pitr");
    const body = r.body as { properties: Record<string, unknown> };
    await getArmClient(ISV_SUB).resources.beginCreateOrUpdateByIdAndWait(
      r.id,
      r.apiVersion,
      { ...body, properties: { ...body.properties, backupPolicy: { type: "Continuous" } } },
      { updateIntervalInMs: 200 },
    );
    const input: CmkInput = {
      resource: { id: r.id, location: "westeurope", body: await readResource(r.id, r.apiVersion) },
      key,
      identity,
      cloudName: "public",
    };
    expect(cmk.check(input)).toEqual([]);
    const steps = cmk.plan(input);
    expect(steps).toHaveLength(3);
    // The one-PATCH form that suits other accounts is refused here by the service (the emulator models the rule).
    const [single] = cmk.plan({ ...input, resource: { ...input.resource, body: {} } });
    const refused = await applyStep({ ...single!, id: r.id }).catch((e: unknown) => describeAzureError(e));
    expect(refused).toMatchObject({ code: "BadRequest" });
    expect((refused as { message: string }).message).toMatch(/continuous backup only in steps/);
    for (const step of steps) await applyStep(step);
    expect(await readBack(cmk, r.id, key)).toMatchObject({
      state: "APPLIED",
      keyVersion: key.verifiedVersion,
    });
  });

  it("provisions a new Cosmos DB account with the key from the start (docs/azure-contracts.md §5.2)", async () => {
    const step = planCosmosAccountWithKey({
      id: `${RG}/Microsoft.DocumentDB/databaseAccounts/cosmos-litware-new`,
      location: "westeurope",
      key,
      identity,
    });
    await applyStep(step);
    const observed = await readBack(getCmkModule("COSMOS_DB_ACCOUNT"), step.id, key);
    expect(observed).toMatchObject({
      state: "APPLIED",
      keyUri: "https://kv-litware-apply.vault.azure.net/keys/cmk",
      keyVersion: key.verifiedVersion,
    });
  });
});

describe("[cmk] long-running writes resume from saved state", () => {
  it("a DES write started in one 'process' is finished from its saved state by another, with one write in all", async () => {
    await control(emulatorUrl(), "settings", { lroSeconds: 3 }, "PATCH");
    const cmk = getCmkModule("DISK_ENCRYPTION_SET");
    const input = await createIsvResource("DISK_ENCRYPTION_SET", "des-litware-resume");
    const [step] = cmk.plan(input);

    const before = await writesSoFar();
    const started = await startArmWrite(step!);
    expect(started.done).toBe(false);
    // The state a worker saves: plain JSON naming the operation URL, nothing bound to this process.
    const saved = JSON.parse(JSON.stringify(started)) as { resumeState: string };
    expect(saved.resumeState).toMatch(/DiskOperations/i);

    let progress = await resumeArmWrite(step!, saved.resumeState);
    while (!progress.done) progress = await resumeArmWrite(step!, progress.resumeState);

    expect(await writesSoFar()).toBe(before + 1);
    expect(await readBack(cmk, input.resource.id, key)).toMatchObject({
      state: "APPLIED",
      keyVersion: key.verifiedVersion,
    });
  });

  it("a write throttled once with Retry-After is retried by the SDK and lands", async () => {
    const input = await createIsvResource("STORAGE_ACCOUNT", "stlitwarethrottle");
    await control(emulatorUrl(), "faults", {
      service: "arm",
      method: "PATCH",
      path: "stlitwarethrottle",
      status: 429,
      retryAfterSeconds: 1,
      body: { error: { code: "SubscriptionRequestsThrottled", message: "Too many writes." } },
    });
    const before = await writesSoFar();
    const [step] = getCmkModule("STORAGE_ACCOUNT").plan(input);
    await applyStep(step!);
    // The refusal was used up and the write then accepted once: the SDK retried it, and only it.
    expect(await faultsLeft("stlitwarethrottle")).toBe(0);
    expect((await writesSoFar()) - before).toBe(1);
    expect(await readBack(getCmkModule("STORAGE_ACCOUNT"), input.resource.id, key)).toMatchObject({
      state: "APPLIED",
    });
  });

  it("an operation that ends Failed throws with Azure's code, not retryable, explained", async () => {
    const input = await createIsvResource("DISK_ENCRYPTION_SET", "des-litware-lrofail");
    await control(emulatorUrl(), "faults", {
      service: "arm",
      method: "PATCH",
      path: "des-litware-lrofail",
      lroOutcome: {
        status: "Failed",
        code: "KeyVaultAccessForbidden",
        message: "Unable to access key vault.",
      },
    });
    const [step] = getCmkModule("DISK_ENCRYPTION_SET").plan(input);
    const error = await applyStep(step!).then(
      () => null,
      (e: unknown) => e,
    );
    const failure = describeAzureError(error);
    expect(failure).toMatchObject({ code: "KeyVaultAccessForbidden", retryable: false });
    expect(explainCmkError(failure, "DISK_ENCRYPTION_SET").todo).toMatch(/role assignment on their key/);
  });
});

describe("[cmk] the customer removed the app's role before apply", () => {
  it("the service refuses, the error is final, and the words send the operator to the customer", async () => {
    const script = await runCustomerScript({
      emulatorUrl: emulatorUrl(),
      tenant: TENANT,
      adminUpn: ADMIN,
      spObjectId,
      vaultName: "kv-litware-revoked",
      keyName: "cmk",
    });
    const token = (await script.admin.getToken("https://management.azure.com/.default"))!.token;
    const removed = await fetch(`${emulatorUrl()}${script.roleAssignmentId}?api-version=2022-04-01`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(200);

    const input = await createIsvResource("STORAGE_ACCOUNT", "stlitwarerevoked");
    const [step] = getCmkModule("STORAGE_ACCOUNT").plan({
      ...input,
      key: keyRef(script.keyId, "kv-litware-revoked"),
    });
    const before = await writesSoFar();
    const error = await startArmWrite(step!).then(
      () => null,
      (e: unknown) => e,
    );
    const failure = describeAzureError(error);
    expect(failure).toMatchObject({ code: "KeyVaultAuthenticationFailure", status: 400, retryable: false });
    // One refused request: the SDK does not retry a 400.
    expect(await writesSoFar()).toBe(before + 1);
    const explained = explainCmkError(failure, "STORAGE_ACCOUNT");
    expect(explained.what).toMatch(/role on the key is missing or was removed/);
    expect(explained.todo).toMatch(/Key Vault Crypto Service Encryption User/);
    expect(explained.azureCode).toBe("KeyVaultAuthenticationFailure");
    expect((await readBack(getCmkModule("STORAGE_ACCOUNT"), input.resource.id)).state).toBe(
      "MICROSOFT_MANAGED",
    );
  });
});

describe("[cmk] discovering the ISV's resources", () => {
  // This block's own resources, the key applied to each: it passes run alone or after the others.
  const DISCOVERED = [
    ["STORAGE_ACCOUNT", "stlitwaredisc"],
    ["COSMOS_DB_ACCOUNT", "cosmos-litware-disc"],
    ["DISK_ENCRYPTION_SET", "des-litware-disc"],
    ["SQL_SERVER", "sql-litware-disc"],
  ] as const;
  beforeAll(async () => {
    for (const [kind, name] of DISCOVERED) {
      const input = await createIsvResource(kind, name);
      for (const step of getCmkModule(kind).plan(input)) await applyStep(step);
    }
  }, 60_000);

  it("lists the four types in the subscription with region and a body observe() can read", async () => {
    const found = await discoverIsvResources([ISV_SUB]);
    const byName = new Map(found.map((r) => [r.name, r]));
    expect(byName.get("stlitwaredisc")).toMatchObject({
      kind: "STORAGE_ACCOUNT",
      subscriptionId: ISV_SUB,
      resourceGroup: "crosskey-isv",
      region: "westeurope",
    });
    for (const [kind, name] of DISCOVERED) {
      const r = byName.get(name);
      expect(r?.kind).toBe(kind);
      expect(getCmkModule(kind).observe(r!.body, key).state).toBe("APPLIED");
    }
    expect(found.some((r) => /userAssignedIdentities|vaults/i.test(r.armId))).toBe(false);
  });

  it("adds one by ID, and refuses IDs of other types or of nothing", async () => {
    const sql = await getResourceById(` ${RG}/Microsoft.Sql/servers/sql-litware-disc `);
    expect(sql).toMatchObject({ kind: "SQL_SERVER", name: "sql-litware-disc" });
    await expect(getResourceById(UAMI)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(getResourceById("not an id")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(getResourceById(`${RG}/Microsoft.Storage/storageAccounts/stnothere`)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("[cmk] a Managed HSM key (the demo world's activated HSM, granted with the HSM's own local RBAC)", () => {
  const HSM_URL = `https://${DEMO_HSM}.managedhsm.azure.net`;
  let hsmKey: CmkKeyRef;

  beforeAll(async () => {
    await control(emulatorUrl(), "settings", { rolePropagationSeconds: 0 }, "PATCH");
    // Contoso holds the only HSM; installing the app there again answers with the existing service principal.
    const contosoSp = await installApp(emulatorUrl(), TENANTS.contoso.id, CONTOSO_ADMIN, APP);
    const { keyId } = await runCustomerHsmScript({
      emulatorUrl: emulatorUrl(),
      tenant: TENANTS.contoso,
      adminUpn: CONTOSO_ADMIN,
      spObjectId: contosoSp,
      keyName: "apply-hsm-cmk",
    });
    hsmKey = {
      keyUri: `${HSM_URL}/keys/apply-hsm-cmk`,
      vaultUri: HSM_URL,
      vaultName: DEMO_HSM,
      keyName: "apply-hsm-cmk",
      keyVersion: null,
      verifiedVersion: keyId.split("/").at(-1)!,
      keyType: "RSA-HSM",
      keySize: 3072,
      vaultKind: "MANAGED_HSM",
      tenantId: TENANTS.contoso.id,
    };
  });

  it.each<[CreatableKind, string]>([
    ["STORAGE_ACCOUNT", "sthsmapply"],
    ["COSMOS_DB_ACCOUNT", "cosmos-hsm-apply"],
    ["DISK_ENCRYPTION_SET", "des-hsm-apply"],
    ["SQL_SERVER", "sql-hsm-apply"],
  ])("%s: check, plan, apply, read back applied with the HSM key's verified version", async (kind, name) => {
    const cmk = getCmkModule(kind);
    const input = { ...(await createIsvResource(kind, name)), key: hsmKey };
    expect(cmk.check(input)).toEqual([]);
    for (const step of cmk.plan(input)) await applyStep(step);
    expect(await readBack(cmk, input.resource.id, hsmKey)).toMatchObject({
      state: "APPLIED",
      keyVersion: hsmKey.verifiedVersion,
    });
    // The HSM key as the service holds it (SQL: on the server's encryption protector).
    const holder =
      kind === "SQL_SERVER" ? `${input.resource.id}/encryptionProtector/current` : input.resource.id;
    expect(JSON.stringify(await readResource(holder, cmk.apiVersion))).toContain(
      `${DEMO_HSM}.managedhsm.azure.net`,
    );
  });
});
