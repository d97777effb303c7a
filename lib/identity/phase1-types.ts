import "server-only";
import type { FederatedCredentialBody } from "@/lib/azure/graph";

export type FindingStatus = "ok" | "warning" | "error";

/** A change to one federated credential that Crosskey can make itself (Admin only, previewed, audited). */
export interface CredentialRepair {
  identity: string;
  method: "POST" | "PATCH";
  /** The credential a PATCH changes. */
  credentialId?: string;
  /** The Graph URL, exactly as it will be called. */
  url: string;
  body: FederatedCredentialBody | Omit<FederatedCredentialBody, "name">;
}

/** One Phase 1 check: what was found, and when it is wrong, the fix in words and the exact command. */
export interface Phase1Finding {
  id: string;
  area: "cmk-app" | "credentials" | "identities" | "roles" | "signin-app";
  status: FindingStatus;
  title: string;
  detail: string;
  fix?: string;
  command?: string;
  repair?: CredentialRepair;
}

export interface Phase1Report {
  checkedAt: string;
  status: FindingStatus;
  findings: Phase1Finding[];
  /** Federated credentials on the CMK app against Entra's limit of 20 per app. */
  capacity: { used: number; limit: number };
  credentials: {
    id: string;
    name: string;
    issuer: string;
    subject: string;
    audiences: string[];
    trusts: string | null;
  }[];
  identities: {
    name: string;
    resourceId: string;
    clientId: string;
    principalId: string;
    regions: string[];
    credential: string | null;
  }[];
}
