/** Built-in role definitions (docs/azure-contracts.md §7 and the Azure built-in roles reference). */
export interface RoleDefinition {
  id: string;
  roleName: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** Key Vault Data Access Administrator's ABAC condition: it may only assign these roles. */
  assignableRoleIds?: string[];
}

const role = (id: string, roleName: string, p: Partial<RoleDefinition>): RoleDefinition => ({
  id,
  roleName,
  actions: [],
  notActions: [],
  dataActions: [],
  notDataActions: [],
  ...p,
});

export const ROLE = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c2a72009",
  rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
  managedIdentityContributor: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  documentDbAccountContributor: "5bd9cd88-fe45-4216-938b-f97437e15450",
  sqlServerContributor: "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",
  keyVaultAdministrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
  keyVaultReader: "21090545-7ca7-4776-b22c-e363652d74d2",
  keyVaultCryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  keyVaultDataAccessAdministrator: "8b54135c-b56d-4d72-a534-26097cfdc8d8",
  managedHsmCryptoUser: "21dbd100-6940-42c2-9190-5d6cb909625b",
  managedHsmCryptoServiceEncryptionUser: "33413926-3206-4cdd-b39a-83574fe37a17",
} as const;

const common = [
  "Microsoft.Authorization/*/read",
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Resources/deployments/*",
  "Microsoft.Support/*",
];
const kvKeyData = (ops: string[]) => ops.map((o) => `Microsoft.KeyVault/vaults/keys/${o}`);

export const BUILT_IN_ROLES: RoleDefinition[] = [
  role(ROLE.owner, "Owner", { actions: ["*"] }),
  role(ROLE.contributor, "Contributor", {
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
    ],
  }),
  role(ROLE.reader, "Reader", { actions: ["*/read"] }),
  role(ROLE.userAccessAdministrator, "User Access Administrator", {
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
  }),
  role(ROLE.rbacAdministrator, "Role Based Access Control Administrator", {
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "*/read",
      "Microsoft.Support/*",
    ],
  }),
  role(ROLE.managedIdentityOperator, "Managed Identity Operator", {
    actions: [
      "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
      ...common,
    ],
  }),
  role(ROLE.managedIdentityContributor, "Managed Identity Contributor", {
    actions: [
      "Microsoft.ManagedIdentity/userAssignedIdentities/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/write",
      "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
      ...common,
    ],
  }),
  role(ROLE.storageAccountContributor, "Storage Account Contributor", {
    actions: ["Microsoft.Storage/storageAccounts/*", ...common],
  }),
  role(ROLE.documentDbAccountContributor, "DocumentDB Account Contributor", {
    actions: ["Microsoft.DocumentDb/databaseAccounts/*", ...common],
  }),
  role(ROLE.sqlServerContributor, "SQL Server Contributor", {
    actions: ["Microsoft.Sql/servers/*", ...common],
  }),
  role(ROLE.keyVaultAdministrator, "Key Vault Administrator", {
    actions: ["Microsoft.KeyVault/vaults/*/read", ...common],
    dataActions: ["Microsoft.KeyVault/vaults/*"],
  }),
  role(ROLE.keyVaultContributor, "Key Vault Contributor", {
    actions: ["Microsoft.KeyVault/*", ...common],
    notActions: [
      "Microsoft.KeyVault/locations/deletedVaults/purge/action",
      "Microsoft.KeyVault/hsmPools/*",
      "Microsoft.KeyVault/managedHsms/*",
    ],
  }),
  role(ROLE.keyVaultReader, "Key Vault Reader", {
    actions: ["Microsoft.KeyVault/vaults/*/read", ...common],
    dataActions: [
      "Microsoft.KeyVault/vaults/*/read",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ],
  }),
  role(ROLE.keyVaultCryptoOfficer, "Key Vault Crypto Officer", {
    actions: ["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/checkNameAvailability/read", ...common],
    dataActions: ["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"],
  }),
  role(ROLE.keyVaultCryptoUser, "Key Vault Crypto User", {
    dataActions: kvKeyData([
      "read",
      "update/action",
      "backup/action",
      "encrypt/action",
      "decrypt/action",
      "wrap/action",
      "unwrap/action",
      "sign/action",
      "verify/action",
    ]),
  }),
  role(ROLE.keyVaultCryptoServiceEncryptionUser, "Key Vault Crypto Service Encryption User", {
    actions: [
      "Microsoft.EventGrid/eventSubscriptions/write",
      "Microsoft.EventGrid/eventSubscriptions/read",
      "Microsoft.EventGrid/eventSubscriptions/delete",
    ],
    dataActions: kvKeyData(["read", "wrap/action", "unwrap/action"]),
  }),
  role(ROLE.keyVaultDataAccessAdministrator, "Key Vault Data Access Administrator", {
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      ...common,
    ],
    assignableRoleIds: [
      ROLE.keyVaultAdministrator,
      ROLE.keyVaultCryptoOfficer,
      ROLE.keyVaultCryptoUser,
      ROLE.keyVaultCryptoServiceEncryptionUser,
      ROLE.keyVaultReader,
      "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
      "4633458b-17de-408a-b874-0445c86b69e6",
      "a4417e6f-fecd-4de8-b567-7b0420556985",
      "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    ],
  }),
  // Managed HSM roles are local to the HSM in Azure; the emulator assigns them through ARM at the HSM's scope.
  role(ROLE.managedHsmCryptoUser, "Managed HSM Crypto User", {
    dataActions: ["Microsoft.KeyVault/managedHsm/keys/*"],
  }),
  role(ROLE.managedHsmCryptoServiceEncryptionUser, "Managed HSM Crypto Service Encryption User", {
    dataActions: [
      "Microsoft.KeyVault/managedHsm/keys/read/action",
      "Microsoft.KeyVault/managedHsm/keys/wrap/action",
      "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
    ],
  }),
];

const byId = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

/** Accepts a bare GUID or any `.../roleDefinitions/{guid}` id. */
export function findRoleDefinition(roleDefinitionId: string): RoleDefinition | undefined {
  const guid = roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
  return byId.get(guid);
}

/** Azure action matching: case-insensitive, `*` matches any run of characters. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}

export function roleGrants(role: RoleDefinition, action: string, data: boolean): boolean {
  const [allow, deny] = data ? [role.dataActions, role.notDataActions] : [role.actions, role.notActions];
  return allow.some((p) => actionMatches(p, action)) && !deny.some((p) => actionMatches(p, action));
}
