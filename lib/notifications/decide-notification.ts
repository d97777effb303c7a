import "server-only";
/**
 * When a key's problem deserves a message. One message when a problem starts or changes, a reminder at a set
 * cadence while it lasts, one "resolved" message when it ends, and nothing while nothing changes: a monitor
 * that runs every few minutes must never become a notification storm. Pure, so it can be tested exhaustively.
 */
export type NotificationKind = "opened" | "changed" | "reminder" | "resolved";

export interface NotifiedState {
  /** The problem last notified (sorted finding codes), or null when none is open. */
  problem: string | null;
  notifiedAt: Date | null;
}

export function decideNotification(
  previous: NotifiedState,
  problem: string | null,
  now: Date,
  reminderEveryMs: number,
): { kind: NotificationKind | null; next: NotifiedState } {
  if (problem === previous.problem) {
    const due =
      problem !== null &&
      reminderEveryMs > 0 &&
      (!previous.notifiedAt || now.getTime() - previous.notifiedAt.getTime() >= reminderEveryMs);
    return due ? { kind: "reminder", next: { problem, notifiedAt: now } } : { kind: null, next: previous };
  }
  if (problem === null) return { kind: "resolved", next: { problem: null, notifiedAt: now } };
  return {
    kind: previous.problem === null ? "opened" : "changed",
    next: { problem, notifiedAt: now },
  };
}
