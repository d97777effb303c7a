import type { KeyHealth } from "@/lib/generated/prisma/enums";
import { describeHealth } from "./key-health-badge";

const LEVEL: Record<KeyHealth, number> = { UNKNOWN: 0, HEALTHY: 3, WARNING: 2, UNREACHABLE: 1 };
const COLOR: Record<KeyHealth, string> = {
  UNKNOWN: "#94a3b8",
  HEALTHY: "#059669",
  WARNING: "#d97706",
  UNREACHABLE: "#dc2626",
};

/**
 * A key's health over time as a small step chart, drawn on the server (no chart library in the page): one
 * bar per check, its height and colour the health, with a text summary for screen readers.
 */
export function KeyHealthTimeline({ points }: { points: { checkedAt: Date; health: KeyHealth }[] }) {
  if (points.length === 0) return <p className="text-sm text-slate-600">No checks yet.</p>;
  const width = 600;
  const height = 60;
  const step = width / Math.max(points.length, 1);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const problems = points.filter((p) => p.health === "UNREACHABLE").length;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-16 w-full"
        role="img"
        aria-label={`Health over ${points.length} check(s) from ${fmt(first.checkedAt)} to ${fmt(last.checkedAt)}: now ${describeHealth(last.health)}; unreachable in ${problems} of them.`}
        preserveAspectRatio="none"
      >
        {points.map((p, i) => {
          const h = (LEVEL[p.health] / 3) * (height - 4) + 4;
          return (
            <rect
              key={i}
              x={i * step + 1}
              y={height - h}
              width={Math.max(step - 2, 1)}
              height={h}
              fill={COLOR[p.health]}
            >
              <title>{`${fmt(p.checkedAt)}: ${describeHealth(p.health)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-slate-600">
        <span>{fmt(first.checkedAt)}</span>
        <span>{fmt(last.checkedAt)}</span>
      </figcaption>
    </figure>
  );
}

const fmt = (d: Date) =>
  d.toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  }) + " UTC";
