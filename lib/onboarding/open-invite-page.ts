import "server-only";
import crypto from "node:crypto";
import { getEnv } from "@/lib/env";
import type { CustomerSession } from "@/lib/auth/session";
import type { Db } from "@/lib/db/create-db";
import { isAppError } from "@/lib/errors";
import { assertMissBudget, countMiss, enforceRateLimit, inviteKey } from "@/lib/security/rate-limit";
import { getCustomerView } from "./get-customer-view";
import { encodeInviteLanding, type InviteLandingData } from "./invite-landing-data";

export type CustomerView = Awaited<ReturnType<typeof getCustomerView>>;

/**
 * What the customer's invite page shows for `token`, read the one way both of its renderings use (the App Router
 * page, and the script-free first visit in pages/onboard-landing): the address's miss budget, the per-invite
 * rate limit, then the view. A token that matches no invite is what guessing looks like: it is counted against
 * the address and the answer is null, which the caller turns into a 404. A rate limit or a link that no longer
 * works throws its AppError.
 */
export async function openInvitePage(
  db: Db,
  input: { token: string; address: string; session: () => Promise<CustomerSession | null> },
): Promise<CustomerView | null> {
  await assertMissBudget(db, input.address);
  await enforceRateLimit(db, { step: "invite-page", address: input.address, invite: inviteKey(input.token) });
  try {
    return await getCustomerView(db, input.token, await input.session());
  } catch (error) {
    if (isAppError(error) && error.options.details?.miss === true) {
      await countMiss(db, input.address);
      return null;
    }
    throw error;
  }
}

/**
 * The invite page for a visitor without a customer cookie, as plain data for the script-free page
 * (lib/onboarding/invite-landing-data.ts): read by proxy.ts, because the Pages Router may not import what
 * reads the database. The same reads, limits and miss counting as the App Router page.
 */
export async function readInviteLanding(
  db: Db,
  input: { token: string; address: string; isvName: string },
): Promise<InviteLandingData> {
  try {
    const view = await openInvitePage(db, { ...input, session: async () => null });
    if (!view) return { kind: "not-found" };
    const { customerName, pinnedTenant, expiresAt, state } = view;
    return {
      kind: "landing",
      isvName: input.isvName,
      token: input.token,
      view: { customerName, pinnedTenant, expiresAt: expiresAt.toISOString(), state },
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: "problem", isvName: input.isvName, code: error.code, message: error.message };
  }
}

function landingMac(path: string, body: string, secret: string): Buffer {
  const key = crypto.hkdfSync("sha256", secret, "crosskey", "header:invite-landing", 32);
  return crypto.createHmac("sha256", Buffer.from(key)).update(`${path}\n${body}`).digest();
}

/** The landing as the proxy hands it to the page at `path`: encoded, then signed for that path. */
export function signInviteLanding(
  path: string,
  data: InviteLandingData,
  secret = getEnv().SESSION_SECRET,
): string {
  const body = encodeInviteLanding(data);
  return `${body}.${landingMac(path, body, secret).toString("base64url")}`;
}

/** True when `value` is what `signInviteLanding` made for `path` in this deployment. */
export function verifyInviteLanding(path: string, value: string, secret = getEnv().SESSION_SECRET): boolean {
  const dot = value.lastIndexOf(".");
  if (dot < 0) return false;
  const given = Buffer.from(value.slice(dot + 1), "base64url");
  const expected = landingMac(path, value.slice(0, dot), secret);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
