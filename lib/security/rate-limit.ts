import "server-only";
import { hashToken } from "@/lib/auth/invite-token";
import type { Db } from "@/lib/db/create-db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

const WINDOW_SECONDS = 60;
/** Windows older than this are deleted: counters never outgrow the traffic of the last hour. */
const KEEP_SECONDS = 3600;

/**
 * Fixed-window counter in PostgreSQL, so every app instance shares it. Returns the count in this window,
 * this request included. Now and then (about one call in fifty) it also deletes windows that ended long ago.
 */
export async function countInWindow(
  db: Db,
  key: string,
  windowSeconds: number,
  now = Date.now(),
): Promise<number> {
  const windowStart = new Date(Math.floor(now / (windowSeconds * 1000)) * windowSeconds * 1000);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitWindow" ("key", "windowStart", "count") VALUES (${key.slice(0, 200)}, ${windowStart}, 1)
    ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
    RETURNING "count"`;
  if (Math.random() < 0.02) await purgeExpiredWindows(db, now);
  return rows[0]?.count ?? 0;
}

/** Deletes every window that ended more than an hour before `now`; returns how many. */
export async function purgeExpiredWindows(db: Db, now = Date.now()): Promise<number> {
  return db.$executeRaw`DELETE FROM "RateLimitWindow" WHERE "windowStart" < ${new Date(now - KEEP_SECONDS * 1000)}`;
}

/** The customer-facing steps that have their own budgets: one step never spends another's. */
export type LimitedStep =
  | "invite-page"
  | "sign-in-begin"
  | "sign-in-finish"
  | "consent-begin"
  | "consent-callback"
  | "consent-check"
  | "consent-forward"
  | "consent-request"
  | "key-submit"
  | "key-verify"
  | "scripts"
  | "evidence";

/** The key an invite's budgets are counted under: never the token itself. */
export const inviteKey = (token: string) => hashToken(token).slice(0, 32);

export function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError(
    "RATE_LIMITED",
    `Too many attempts in a short time. Nothing was changed; try again in ${retryAfterSeconds} seconds.`,
    { details: { retryAfterSeconds } },
  );
}

function secondsToNextWindow(now: number): number {
  return Math.max(1, WINDOW_SECONDS - Math.floor((now / 1000) % WINDOW_SECONDS));
}

/**
 * One step's budgets: per invite (one customer's link; a person clicking is far below it) and per client
 * address (generous: a whole company may sit behind one NAT). Throws RATE_LIMITED with the seconds until the
 * window turns over.
 */
export async function enforceRateLimit(
  db: Db,
  input: { step: LimitedStep; address?: string; invite?: string; now?: number },
): Promise<void> {
  const env = getEnv();
  const now = input.now ?? Date.now();
  const budgets: [string, number][] = [];
  if (input.address) budgets.push([`${input.step}:a:${input.address}`, env.RATE_LIMIT_PER_ADDRESS]);
  if (input.invite) budgets.push([`${input.step}:i:${input.invite}`, env.RATE_LIMIT_PER_INVITE]);
  for (const [key, limit] of budgets) {
    if ((await countInWindow(db, key, WINDOW_SECONDS, now)) > limit)
      throw rateLimited(secondsToNextWindow(now));
  }
}

/**
 * Counts an unknown or malformed invite token or consent state presented from `address`; past the budget the
 * address is refused. Random tokens are what guessing looks like; real customers present real ones.
 * Returns the count, so callers can record the first miss of a window and not every one after it.
 */
export async function countMiss(db: Db, address: string, now = Date.now()): Promise<number> {
  const count = await countInWindow(db, `miss:a:${address}`, WINDOW_SECONDS, now);
  if (count > getEnv().RATE_LIMIT_MISSES_PER_ADDRESS) throw rateLimited(secondsToNextWindow(now));
  return count;
}

/** Refuses an address that already spent its miss budget in this window, without counting this request. */
export async function assertMissBudget(db: Db, address: string, now = Date.now()): Promise<void> {
  const windowStart = new Date(Math.floor(now / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000);
  const row = await db.rateLimitWindow.findUnique({
    where: { key_windowStart: { key: `miss:a:${address}`.slice(0, 200), windowStart } },
  });
  if (row && row.count > getEnv().RATE_LIMIT_MISSES_PER_ADDRESS) throw rateLimited(secondsToNextWindow(now));
}

export const retryAfterOf = (error: AppError): number =>
  typeof error.options.details?.retryAfterSeconds === "number" ? error.options.details.retryAfterSeconds : 60;
