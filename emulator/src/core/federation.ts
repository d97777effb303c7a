export type FederationResult =
  | { ok: true; accessToken: string; claims: Record<string, unknown> }
  | { ok: false; aadsts: number; error: string; description: string };

export interface Federation {
  /**
   * What an Azure service does for a CMK resource: the UAMI's token for api://AzureADTokenExchange, presented
   * as client_assertion for `federatedClientId` in `tenantId`, for `resource` (e.g. https://vault.azure.net).
   */
  acquireForUami(input: {
    uamiResourceId: string;
    federatedClientId: string;
    tenantId: string;
    resource: string;
  }): Promise<FederationResult>;
}
