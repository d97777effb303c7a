import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireArmWrite } from "../../lib/jobs/arm-write-budget";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("[jobs] per-subscription ARM write budget", () => {
  it("lets a burst through at once, then paces concurrent takers to the refill rate", async () => {
    const sub = "aaaaaaaa-0000-4000-8000-0000000000b1";
    const start = performance.now();
    const times = await Promise.all(
      Array.from({ length: 14 }, async () => {
        await acquireArmWrite(t.db, sub, 20, 4);
        return performance.now() - start;
      }),
    );
    times.sort((a, b) => a - b);
    // 4 from the burst, then 10 more at 20/s: the last one no earlier than ~0.5 s.
    expect(times[3]!).toBeLessThan(300);
    expect(times[13]!).toBeGreaterThan(430);
    const [row] = await t.db.$queryRaw<
      { tokens: number }[]
    >`SELECT "tokens" FROM "ArmWriteBudget" WHERE "subscriptionId" = ${sub}::uuid`;
    expect(row!.tokens).toBeLessThan(1);
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
