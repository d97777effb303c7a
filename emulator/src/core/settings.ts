export interface Settings {
  /** Seconds before a new role assignment takes effect (Azure RBAC propagation). */
  rolePropagationSeconds: number;
  /** ARM write token bucket (docs/azure-contracts.md §4.3): refill per second and bucket size. */
  armWritesPerSecond: number;
  armWriteBurst: number;
  /** How long ARM long-running operations run, in emulator seconds. */
  lroSeconds: number;
  /**
   * Seconds after a service principal is created (admin consent, Graph POST) during which Entra still refuses
   * tokens for the app in that tenant with AADSTS700016 (directory replication).
   */
  consentPropagationSeconds: number;
  /** Items per page of ARM lists that page (Subscriptions_List); more follow through `nextLink`. */
  listPageSize: number;
}

export const DEFAULT_SETTINGS: Settings = {
  rolePropagationSeconds: 0,
  armWritesPerSecond: 10,
  armWriteBurst: 200,
  lroSeconds: 1,
  consentPropagationSeconds: 0,
  listPageSize: 100,
};
