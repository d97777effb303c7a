import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../../lib/errors";
import {
  assertMissBudget,
  countInWindow,
  countMiss,
  enforceRateLimit,
  purgeExpiredWindows,
} from "../../lib/security/rate-limit";
import { createTestDatabase } from "./helpers/db";

let t: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("[security] rate limiting of public endpoints", () => {
  it("counts per key and window, concurrently and exactly, and starts over in the next window", async () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 5);
    const counts = await Promise.all(
      Array.from({ length: 25 }, () => countInWindow(t.db, "consent-callback:203.0.113.9", 60, now)),
    );
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await countInWindow(t.db, "consent-callback:198.51.100.1", 60, now)).toBe(1);
    expect(await countInWindow(t.db, "consent-callback:203.0.113.9", 60, now + 60_000)).toBe(1);
  });
});

describe("[security] rate limits that fit enterprise networks", () => {
  const now = Date.UTC(2026, 10, 23, 12, 5, 10);
  const refusal = async (work: Promise<unknown>) => {
    try {
      await work;
      return null;
    } catch (error) {
      return error as AppError;
    }
  };

  it("one invite is limited on its own; other customers behind the same address are not", async () => {
    const address = "198.51.100.50";
    for (let i = 0; i < 30; i++)
      await enforceRateLimit(t.db, { step: "key-submit", address, invite: "invite-a", now });
    const refused = await refusal(
      enforceRateLimit(t.db, { step: "key-submit", address, invite: "invite-a", now }),
    );
    expect(refused?.code).toBe("RATE_LIMITED");
    expect(refused?.options.details?.retryAfterSeconds).toBe(50);
    // 60 other customers of the same company, same NAT address: every one goes through.
    for (let i = 0; i < 60; i++)
      await enforceRateLimit(t.db, { step: "key-submit", address, invite: `invite-${i + 1000}`, now });
    // And the first customer's other steps have budgets of their own.
    await enforceRateLimit(t.db, { step: "key-verify", address, invite: "invite-a", now });
  });

  it("random tokens from one address are refused after the miss budget; a real customer there still works", async () => {
    const address = "203.0.113.77";
    for (let i = 0; i < 20; i++) await countMiss(t.db, address, now);
    expect((await refusal(countMiss(t.db, address, now)))?.code).toBe("RATE_LIMITED");
    expect((await refusal(assertMissBudget(t.db, address, now)))?.code).toBe("RATE_LIMITED");
    expect(await refusal(assertMissBudget(t.db, "203.0.113.78", now))).toBeNull();
    expect(await refusal(assertMissBudget(t.db, address, now + 60_000))).toBeNull();
  });

  it("counters do not outlive the hour after their window", async () => {
    await countInWindow(t.db, "purge-me", 60, now - 2 * 3600_000);
    await countInWindow(t.db, "keep-me", 60, now - 600_000);
    await purgeExpiredWindows(t.db, now);
    const keys = (await t.db.rateLimitWindow.findMany({ select: { key: true } })).map((r) => r.key);
    expect(keys).toContain("keep-me");
    expect(keys).not.toContain("purge-me");
  });
});
