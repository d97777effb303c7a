import { randomToken } from "../core/ids.js";

/** An authorization code: bound to client, redirect URI, user, scopes and the PKCE challenge (single use). */
export interface AuthCode {
  clientId: string;
  redirectUri: string;
  spa: boolean;
  userId: string;
  tenantId: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAtMs: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  clientId: string;
  userId: string;
  tenantId: string;
  scope: string;
  spa: boolean;
  expiresAtMs: number;
}

/** A browser flow in progress (sign-in, consent), referenced by an opaque id in the pages' hidden fields. */
export interface Interaction {
  kind: "authorize" | "adminconsent";
  version: 1 | 2;
  tenantSegment: string;
  params: Record<string, string>;
  userId?: string;
  userTenantId?: string;
  expiresAtMs: number;
}

/** In-memory state of the identity platform's browser and token flows; cleared on reset. */
export class EntraState {
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly interactions = new Map<string, Interaction>();

  put<T>(map: Map<string, T>, value: T): string {
    const id = randomToken(48);
    map.set(id, value);
    return id;
  }

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.interactions.clear();
  }
}
