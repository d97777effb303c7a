import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedIdentityCredential } from "@azure/identity";

/** The ISV's side in the demo world: its subscription, resource group and the app's own identity. */
export const ISV_SUB = "aaaaaaaa-0000-4000-8000-000000000001";
export const ISV_RG = `/subscriptions/${ISV_SUB}/resourceGroups/crosskey-isv/providers`;
export const CMK_UAMI = `${ISV_RG}/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk`;

const arm = (emulatorUrl: string) =>
  new ResourceManagementClient(
    new ManagedIdentityCredential({ clientId: "66666666-6666-4666-8666-666666666666" }),
    ISV_SUB,
    { endpoint: emulatorUrl },
  );

/** A storage account the ISV creates in Azure (Microsoft-managed keys); returns its ARM ID. */
export async function createStorageAccount(emulatorUrl: string, name: string): Promise<string> {
  const id = `${ISV_RG}/Microsoft.Storage/storageAccounts/${name}`;
  await arm(emulatorUrl).resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2025-06-01",
    { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    { updateIntervalInMs: 200 },
  );
  return id;
}

/** A disk encryption set on the ISV's own platform key (a DES always has a key); returns its ARM ID. */
export async function createDiskEncryptionSet(emulatorUrl: string, name: string): Promise<string> {
  const id = `${ISV_RG}/Microsoft.Compute/diskEncryptionSets/${name}`;
  await arm(emulatorUrl).resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2025-01-02",
    {
      location: "westeurope",
      identity: { type: "UserAssigned", userAssignedIdentities: { [CMK_UAMI]: {} } },
      properties: {
        activeKey: {
          keyUrl:
            "https://kv-fabrikam-platform.vault.azure.net/keys/platform-disks/5eed0000000000000000000000d15c01",
        },
        encryptionType: "EncryptionAtRestWithCustomerKey",
        rotationToLatestKeyVersionEnabled: true,
      },
    },
    { updateIntervalInMs: 200 },
  );
  return id;
}

/** A Cosmos DB account of the ISV on service-managed keys; returns its ARM ID. */
export async function createCosmosAccount(emulatorUrl: string, name: string): Promise<string> {
  const id = `${ISV_RG}/Microsoft.DocumentDB/databaseAccounts/${name}`;
  await arm(emulatorUrl).resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2025-10-15",
    {
      location: "westeurope",
      kind: "GlobalDocumentDB",
      properties: {
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: "westeurope", failoverPriority: 0 }],
      },
    },
    { updateIntervalInMs: 200 },
  );
  return id;
}

/** An Azure SQL logical server of the ISV (TDE with a service-managed key); returns its ARM ID. */
export async function createSqlServer(emulatorUrl: string, name: string): Promise<string> {
  const id = `${ISV_RG}/Microsoft.Sql/servers/${name}`;
  await arm(emulatorUrl).resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2023-08-01",
    {
      location: "westeurope",
      properties: { administratorLogin: "crosskey", administratorLoginPassword: "Not-a-real-secret-1" },
    },
    { updateIntervalInMs: 200 },
  );
  return id;
}

/** A database on one of the ISV's SQL servers (on the server's protector), or a geo-secondary when `properties` say so. */
export async function createSqlDatabase(
  emulatorUrl: string,
  serverId: string,
  name: string,
  body: { identity?: Record<string, unknown>; properties?: Record<string, unknown> } = {},
): Promise<string> {
  const id = `${serverId}/databases/${name}`;
  await arm(emulatorUrl).resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2023-08-01",
    { location: "westeurope", ...body },
    { updateIntervalInMs: 200 },
  );
  return id;
}
