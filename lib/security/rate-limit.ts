import "server-only";
import { headers } from "next/headers";
import type { Db } from "@/lib/db/create-db";
import { AppError } from "@/lib/errors";

/**
 * Fixed-window counter in PostgreSQL, so every app instance shares it. Returns the count in this window,
 * this request included.
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
  return rows[0]?.count ?? 0;
}

/** Public endpoints (invite pages, sign-in, consent callback, key submission) pass through here. */
export async function enforceRateLimit(
  db: Db,
  bucket: string,
  limit: number,
  windowSeconds = 60,
): Promise<void> {
  if ((await countInWindow(db, `${bucket}:${await clientAddress()}`, windowSeconds)) > limit) {
    throw new AppError("RATE_LIMITED", "Too many attempts from your network. Wait a minute and try again.");
  }
}

async function clientAddress(): Promise<string> {
  const h = await headers();
  // Behind Azure Front Door / App Service the first X-Forwarded-For entry is the client.
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || "local";
}
