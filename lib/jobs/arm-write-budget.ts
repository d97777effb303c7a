import "server-only";
import type { Db } from "@/lib/db/create-db";

const MAX_WAIT_MS = 1000;

/**
 * Takes one ARM write from the subscription's token bucket (refilled at `ratePerSecond`, holding at most
 * `burst`), waiting while it is empty. The bucket lives in PostgreSQL, so every worker draws from the same one
 * and many jobs together stay under ARM's per-subscription write limit instead of collecting 429s.
 *
 * With `claim`, the token is taken only while that job's progress is still the given claim (in the same
 * statement): false, and no token taken, once another handler has claimed the job's step meanwhile.
 */
export async function acquireArmWrite(
  db: Db,
  subscriptionId: string,
  ratePerSecond: number,
  burst = Math.max(1, ratePerSecond),
  claim?: { jobId: string; progress: string },
): Promise<boolean> {
  const jobId = claim?.jobId ?? null;
  const progress = claim?.progress ?? null;
  await db.$executeRaw`
    INSERT INTO "ArmWriteBudget" ("subscriptionId", "tokens", "updatedAt") VALUES (${subscriptionId}::uuid, ${burst}, clock_timestamp())
    ON CONFLICT ("subscriptionId") DO NOTHING`;
  for (;;) {
    // The refill is computed from the row being updated, so concurrent takers serialise on it and none over-draws.
    const taken = await db.$executeRaw`
      UPDATE "ArmWriteBudget"
         SET "tokens" = LEAST(${burst}::float8, "tokens" + EXTRACT(EPOCH FROM (clock_timestamp() - "updatedAt")) * ${ratePerSecond}::float8) - 1,
             "updatedAt" = clock_timestamp()
       WHERE "subscriptionId" = ${subscriptionId}::uuid
         AND LEAST(${burst}::float8, "tokens" + EXTRACT(EPOCH FROM (clock_timestamp() - "updatedAt")) * ${ratePerSecond}::float8) >= 1
         AND (${jobId}::uuid IS NULL OR EXISTS (SELECT 1 FROM "Job" WHERE id = ${jobId}::uuid AND "progress" = ${progress}::jsonb))`;
    if (taken === 1) return true;
    const [state] = await db.$queryRaw<{ available: number; claimed: boolean }[]>`
      SELECT LEAST(${burst}::float8, "tokens" + EXTRACT(EPOCH FROM (clock_timestamp() - "updatedAt")) * ${ratePerSecond}::float8) AS available,
             (${jobId}::uuid IS NULL OR EXISTS (SELECT 1 FROM "Job" WHERE id = ${jobId}::uuid AND "progress" = ${progress}::jsonb)) AS claimed
        FROM "ArmWriteBudget" WHERE "subscriptionId" = ${subscriptionId}::uuid`;
    if (state && !state.claimed) return false;
    // Look again at least once a second: callers may pass different rates, and the row may be refilled or reset.
    const waitMs = Math.min(
      MAX_WAIT_MS,
      Math.max(5, Math.ceil(((1 - (state?.available ?? 0)) / ratePerSecond) * 1000)),
    );
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
