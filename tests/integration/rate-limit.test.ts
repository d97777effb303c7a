import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countInWindow } from "../../lib/security/rate-limit";
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
