import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireArmWrite } from "../../lib/jobs/arm-write-budget";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

// One token an hour: nothing refills while a test runs, so every assertion is a count, not a clock reading.
const SLOW = 1 / 3600;

const tokens = async (sub: string) => {
  const [row] = await t.db.$queryRaw<
    { tokens: number }[]
  >`SELECT "tokens" FROM "ArmWriteBudget" WHERE "subscriptionId" = ${sub}::uuid`;
  return row!.tokens;
};
/** What an hour of refill would do: moves the bucket's last update back instead of waiting. */
const age = (sub: string, seconds: number) =>
  t.db
    .$executeRaw`UPDATE "ArmWriteBudget" SET "updatedAt" = "updatedAt" - make_interval(secs => ${seconds}::float8)
                    WHERE "subscriptionId" = ${sub}::uuid`;

async function until(check: () => boolean) {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe("[jobs] per-subscription ARM write budget", () => {
  it("lets exactly the burst through, holds the rest until the bucket refills, never over-draws", async () => {
    const sub = "aaaaaaaa-0000-4000-8000-0000000000b1";
    let through = 0;
    const takers = Array.from({ length: 7 }, () =>
      acquireArmWrite(t.db, sub, SLOW, 4).then(() => {
        through += 1;
      }),
    );
    await until(() => through >= 4);
    // Every waiter looks again at least once a second; two rounds later the count must not have moved.
    await new Promise((r) => setTimeout(r, 2500));
    expect(through).toBe(4);
    expect(await tokens(sub)).toBeGreaterThanOrEqual(0);
    expect(await tokens(sub)).toBeLessThan(1);

    await age(sub, 2 * 3600);
    await until(() => through >= 6);
    await new Promise((r) => setTimeout(r, 2500));
    expect(through).toBe(6);

    await age(sub, 3600);
    await Promise.all(takers);
    expect(through).toBe(7);
    expect(await tokens(sub)).toBeGreaterThanOrEqual(0);
  });

  it("keeps subscriptions apart: an empty bucket does not hold another subscription's writes", async () => {
    const empty = "aaaaaaaa-0000-4000-8000-0000000000b2";
    const other = "aaaaaaaa-0000-4000-8000-0000000000b3";
    await acquireArmWrite(t.db, empty, SLOW, 1);
    let waiting = true;
    const held = acquireArmWrite(t.db, empty, SLOW, 1).then(() => {
      waiting = false;
    });
    await acquireArmWrite(t.db, other, SLOW, 1);
    expect(waiting).toBe(true);
    expect(await tokens(other)).toBeLessThan(1);
    await age(empty, 3600);
    await held;
  });
});
