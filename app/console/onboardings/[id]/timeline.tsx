import { describeAuditEvent } from "@/lib/audit/describe-audit-event";
import { formatDateTime } from "@/lib/format-date";
import type { AuditEvent } from "@/lib/generated/prisma/client";

/** Audit entries in words, newest first; the recorded details open on demand. */
export function Timeline({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-600">Nothing has happened yet.</p>;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5">
      {events.map((e) => {
        const words = describeAuditEvent(e);
        return (
          <li key={e.id.toString()} data-action={e.action}>
            <span
              className={`absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full ${e.outcome === "success" ? "bg-emerald-500" : e.outcome === "denied" ? "bg-red-500" : "bg-amber-500"}`}
              aria-hidden
            />
            <p className="text-sm text-slate-900">
              <span className="font-medium">{words.title}</span>
              {words.summary && <span className="break-all">: {words.summary}</span>}
            </p>
            <p className="text-xs wrap-anywhere text-slate-600">
              {formatDateTime(e.occurredAt)} · {e.actorType.toLowerCase()} {e.actorId ?? ""}
              {e.outcome !== "success" ? ` · ${e.outcome}` : ""}
            </p>
            {e.details !== null && (
              <details className="mt-0.5 text-xs">
                <summary className="cursor-pointer text-slate-600">Details</summary>
                <pre className="mt-1 max-h-60 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] break-all whitespace-pre-wrap text-slate-700">
                  {JSON.stringify(e.details, null, 2)}
                </pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
