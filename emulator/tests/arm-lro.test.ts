import { ManagedIdentityCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server.js";
import { call, IDENTITY_HEADER, miToken } from "./resource-helpers.js";
import { startEmulator } from "./resource-emulator.js";
import { IDS, ISV_RG } from "./resource-world.js";

let em: RunningEmulator;
let client: ResourceManagementClient;
const account = (name: string) => `${ISV_RG}/providers/Microsoft.Storage/storageAccounts/${name}`;
const params = { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } };
const token = () => miToken(em.url, IDS.appMiClientId, "https://management.azure.com/");

beforeAll(async () => {
  em = await startEmulator();
  // As on App Service: the app's UAMI through IDENTITY_ENDPOINT/IDENTITY_HEADER; ARM reached through `endpoint`.
  process.env.IDENTITY_ENDPOINT = `${em.url}/msi/token`;
  process.env.IDENTITY_HEADER = IDENTITY_HEADER;
  client = new ResourceManagementClient(
    new ManagedIdentityCredential({ clientId: IDS.appMiClientId }),
    IDS.isvSub,
    { endpoint: em.url },
  );
});
afterAll(async () => em.close());

describe("[arm] long-running operations through @azure/arm-resources", () => {
  it("creates a storage account: 202 + Location monitor, then the account", async () => {
    const raw = await call(
      em.url,
      "PUT",
      `${account("fabrikamraw")}?api-version=2025-06-01`,
      await token(),
      params,
    );
    expect(raw.status).toBe(202);
    expect(raw.headers.get("location")).toMatch(
      new RegExp(
        `^${em.url}/subscriptions/${IDS.isvSub}/providers/Microsoft\\.Storage/locations/westeurope/asyncoperations/[0-9a-f-]{36}\\?monitor=true&api-version=2025-06-01$`,
      ),
    );
    expect(raw.headers.get("retry-after")).toBe("1");
    expect(
      (await call(em.url, "GET", `${account("fabrikamraw")}?api-version=2025-06-01`, await token())).status,
    ).toBe(404);

    const created = await client.resources.beginCreateOrUpdateByIdAndWait(
      account("fabrikamsdk"),
      "2025-06-01",
      params,
      { updateIntervalInMs: 100 },
    );
    expect(created.properties).toMatchObject({
      provisioningState: "Succeeded",
      encryption: { keySource: "Microsoft.Storage" },
    });
    const names: string[] = [];
    for await (const r of client.resources.listByResourceGroup("crosskey-isv", {
      filter: "resourceType eq 'Microsoft.Storage/storageAccounts'",
    }))
      names.push(r.name ?? "");
    expect(names).toContain("fabrikamsdk");
  });

  it("surfaces an operation that ends Failed", async () => {
    em.emu.faults.add({
      service: "arm",
      method: "PUT",
      path: "storageAccounts/fabrikamfail$",
      lroOutcome: { status: "Failed", code: "StorageAccountProvisioningFailed", message: "Injected." },
    });
    await expect(
      client.resources.beginCreateOrUpdateByIdAndWait(account("fabrikamfail"), "2025-06-01", params, {
        updateIntervalInMs: 100,
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "StorageAccountProvisioningFailed" });
    expect(
      (await call(em.url, "GET", `${account("fabrikamfail")}?api-version=2025-06-01`, await token())).status,
    ).toBe(404);
  });

  it("updates a Cosmos account with PATCH: 200 Updating + Azure-AsyncOperation, polled to Succeeded", async () => {
    const id = `${ISV_RG}/providers/Microsoft.DocumentDB/databaseAccounts/fabrikam-lro`;
    await client.resources.beginCreateOrUpdateByIdAndWait(
      id,
      "2025-10-15",
      {
        location: "westeurope",
        properties: { databaseAccountOfferType: "Standard", locations: [{ locationName: "westeurope" }] },
      },
      { updateIntervalInMs: 100 },
    );
    const updated = await client.resources.beginUpdateByIdAndWait(
      id,
      "2025-10-15",
      { tags: { env: "test" }, properties: { enableAutomaticFailover: true } },
      { updateIntervalInMs: 100 },
    );
    expect(updated.properties).toMatchObject({
      provisioningState: "Succeeded",
      enableAutomaticFailover: true,
    });
    expect(updated.tags).toEqual({ env: "test" });
  });
});
