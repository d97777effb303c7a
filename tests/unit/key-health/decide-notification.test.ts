import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideNotification, type NotifiedState } from "@/lib/notifications/decide-notification";

const HOUR = 3_600_000;

describe("notifications follow changes of state, not monitor runs", () => {
  it("sends one message when a problem starts, nothing while it is unchanged, one when it ends", () => {
    const start = new Date("2026-12-01T00:00:00Z");
    let state: NotifiedState = { problem: null, notifiedAt: null };
    const kinds: (string | null)[] = [];
    for (const [i, problem] of [null, "key_disabled", "key_disabled", "key_disabled", null, null].entries()) {
      const d = decideNotification(state, problem, new Date(start.getTime() + i * 60_000), 24 * HOUR);
      kinds.push(d.kind);
      state = d.next;
    }
    expect(kinds).toEqual([null, "opened", null, null, "resolved", null]);
  });

  it("says 'changed' when one problem turns into another", () => {
    const d = decideNotification(
      { problem: "key_expiring_30", notifiedAt: new Date() },
      "key_expiring_7",
      new Date(),
      0,
    );
    expect(d.kind).toBe("changed");
  });

  it("property: 100 runs over an unchanged problem send one message plus the configured reminders", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 }),
        fc.array(fc.integer({ min: 1, max: 90 * 60_000 }), { minLength: 100, maxLength: 100 }),
        (reminderHours, gaps) => {
          const reminder = reminderHours * HOUR;
          let now = Date.UTC(2026, 11, 1);
          let state: NotifiedState = { problem: null, notifiedAt: null };
          let sent = 0;
          let lastSent = 0;
          let expectedReminders = 0;
          for (const gap of gaps) {
            now += gap;
            const d = decideNotification(state, "role_removed", new Date(now), reminder);
            if (d.kind) {
              sent++;
              if (d.kind === "reminder") {
                expectedReminders++;
                // A reminder only after the full interval since the last message.
                expect(now - lastSent).toBeGreaterThanOrEqual(reminder);
              }
              lastSent = now;
            }
            state = d.next;
          }
          const span = now - (Date.UTC(2026, 11, 1) + gaps[0]!);
          expect(sent).toBe(1 + expectedReminders);
          expect(expectedReminders).toBeLessThanOrEqual(Math.floor(span / reminder));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("with reminders off, an unchanged problem is announced exactly once", () => {
    let state: NotifiedState = { problem: null, notifiedAt: null };
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      const d = decideNotification(state, "key_deleted", new Date(Date.UTC(2026, 11, 1) + i * HOUR), 0);
      if (d.kind) sent++;
      state = d.next;
    }
    expect(sent).toBe(1);
  });
});
