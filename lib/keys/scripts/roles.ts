/** Built-in roles the customer's scripts assign (docs/azure-contracts.md §7). IDs are the same in every cloud. */
export const ROLES = {
  /** Read, wrap and unwrap keys: all the ISV's app needs, and all it gets. */
  serviceEncryptionUser: {
    name: "Key Vault Crypto Service Encryption User",
    id: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  },
  /** Lets the customer's admin create the key in the new vault. */
  cryptoOfficer: { name: "Key Vault Crypto Officer", id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603" },
  /** Managed HSM local RBAC: read, wrap and unwrap for the ISV's app. */
  hsmServiceEncryptionUser: {
    name: "Managed HSM Crypto Service Encryption User",
    id: "33413926-3206-4cdd-b39a-83574fe37a17",
  },
  /** Managed HSM local RBAC: lets the customer's admin create keys. */
  hsmCryptoUser: { name: "Managed HSM Crypto User" },
} as const;
