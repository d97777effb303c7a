import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireArmWrite } from "../../lib/jobs/arm-write-budget";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("[jobs] per-subscription ARM write budget", () => {
  it("lets a burst through, then paces concurrent takers to the refill rate, never faster", async () => {
    const sub = "aaaaaaaa-0000-4000-8000-0000000000b1";
    const start = performance.now();
    const times = await Promise.all(
      Array.from({ length: 14 }, async () => {
        await acquireArmWrite(t.db, sub, 20, 4);
        return performance.now() - start;
      }),
    );
    times.sort((a, b) => a - b);
    // 4 from the burst, then one every 50 ms: the k-th write no earlier than (k + 1 - 4) / 20 s. Only this lower
    // bound is checked; a busy machine makes takers slower, never faster, so it holds under any load.
    times.forEach((ms, k) => expect(ms).toBeGreaterThanOrEqual(((k + 1 - 4) / 20) * 1000 * 0.9));
    const [row] = await t.db.$queryRaw<
      { tokens: number }[]
    >`SELECT "tokens" FROM "ArmWriteBudget" WHERE "subscriptionId" = ${sub}::uuid`;
    // A take never leaves the bucket below empty, nor above the burst less the token just taken.
    expect(row!.tokens).toBeGreaterThanOrEqual(0);
    expect(row!.tokens).toBeLessThanOrEqual(3);
  });

  it("keeps subscriptions apart", async () => {
    const start = performance.now();
    await Promise.all(
      ["aaaaaaaa-0000-4000-8000-0000000000b2", "aaaaaaaa-0000-4000-8000-0000000000b3"].map((s) =>
        acquireArmWrite(t.db, s, 1, 1),
      ),
    );
    expect(performance.now() - start).toBeLessThan(500);
  });
});
