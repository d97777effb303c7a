import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { getOperatorSession, type OperatorRole, type OperatorSession } from "./session";

/** Roles allowed to change things; Support may also act where an action says so. */
export const WRITE_ROLES: OperatorRole[] = ["Operator", "Admin"];
export const ANY_ROLE: OperatorRole[] = ["Operator", "Support", "Admin"];

export function hasRole(session: OperatorSession, allowed: readonly OperatorRole[]): boolean {
  return session.roles.some((r) => allowed.includes(r));
}

/** For console pages: sends a signed-out visitor to sign-in; a signed-in person without a role gets a 403 page. */
export async function requireOperatorPage(
  allowed: readonly OperatorRole[] = ANY_ROLE,
): Promise<OperatorSession> {
  const session = await getOperatorSession();
  if (!session) {
    const path = (await headers()).get("x-crosskey-path") ?? "/console";
    redirect(`/auth/signin?returnTo=${encodeURIComponent(path)}`);
  }
  if (!hasRole(session, allowed)) redirect(`/forbidden?needs=${allowed.join(",")}`);
  return session;
}

/** For server actions and route handlers: throws instead of redirecting. */
export async function requireOperator(allowed: readonly OperatorRole[]): Promise<OperatorSession> {
  const session = await getOperatorSession();
  if (!session) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (!hasRole(session, allowed)) {
    throw new AppError(
      "FORBIDDEN",
      `This needs one of these roles: ${allowed.join(", ")}. You have: ${session.roles.join(", ") || "none"}.`,
    );
  }
  return session;
}

export function operatorActor(session: OperatorSession): Actor {
  return { type: "OPERATOR", id: session.upn, role: session.roles.join(",") || "none" };
}
