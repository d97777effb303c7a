// Console pages render on the server, so dates are shown in UTC and say so where a time of day matters.
const day = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const time = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** "16 Dec 2026". */
export function formatDay(date: Date): string {
  return day.format(date);
}

/** "16 Dec 2026, 14:03 UTC". */
export function formatDateTime(date: Date): string {
  return `${day.format(date)}, ${time.format(date)} UTC`;
}

/** "1,204": counts in the console are read, not parsed. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
