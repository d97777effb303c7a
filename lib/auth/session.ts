import "server-only";
import { cookies } from "next/headers";
import type { JWTPayload } from "jose";
import { getEnv } from "@/lib/env";
import { COOKIES, type CookieKind } from "./cookie-names";
import { seal, unseal } from "./seal";

export const OPERATOR_ROLES = ["Operator", "Support", "Admin"] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export interface OperatorSession extends JWTPayload {
  oid: string;
  tid: string;
  upn: string;
  name: string;
  roles: OperatorRole[];
}

export interface CustomerSession extends JWTPayload {
  /** Random per sign-in; consent `state` is bound to its hash. */
  sid: string;
  onboardingId: string;
  /** The invite link's token, so callbacks can send the admin back to their page. Sealed, never shown. */
  inviteToken: string;
  tid: string;
  oid: string;
  upn: string;
  name: string;
}

export async function writeSealedCookie(kind: CookieKind, payload: JWTPayload): Promise<void> {
  const { name, ttl } = COOKIES[kind];
  const value = await seal(getEnv().SESSION_SECRET, kind, payload, ttl);
  (await cookies()).set(name, value, {
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    path: "/",
    maxAge: ttl,
  });
}

export async function readSealedCookie<T extends JWTPayload>(kind: CookieKind): Promise<T | null> {
  const value = (await cookies()).get(COOKIES[kind].name)?.value;
  return unseal<T>(getEnv().SESSION_SECRET, kind, value);
}

export async function clearCookie(kind: CookieKind): Promise<void> {
  (await cookies()).set(COOKIES[kind].name, "", {
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
  });
}

export const getOperatorSession = () => readSealedCookie<OperatorSession>("operator");
export const getCustomerSession = () => readSealedCookie<CustomerSession>("customer");
