import { describeAuditEvent, detailLines } from "@/lib/audit/describe-audit-event";
import { formatDateTime } from "@/lib/format-date";
import type { AuditEvent } from "@/lib/generated/prisma/client";

/** Audit entries in words, newest first; the recorded details open on demand. */
export function Timeline({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-600">Nothing has happened yet.</p>;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5">
      {events.map((e) => {
        const words = describeAuditEvent(e);
        const details = e.details === null ? "" : detailLines(e.details);
        return (
          <li key={e.id.toString()} data-action={e.action}>
            <span
              className={`timeline-dot ${e.outcome === "success" ? "bg-emerald-500" : e.outcome === "denied" ? "bg-red-500" : "bg-amber-500"}`}
              aria-hidden
            />
            <p className="timeline-what">
              <span className="font-medium">{words.title}</span>
              {words.summary && `: ${words.summary}`}
            </p>
            <p className="timeline-when">
              {`${formatDateTime(e.occurredAt)} · ${e.actorType.toLowerCase()} ${e.actorId ?? ""}${e.outcome !== "success" ? ` · ${e.outcome}` : ""}`}
            </p>
            {details && (
              <details className="timeline-details">
                <summary>Details</summary>
                <pre className="details-text">{details}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
