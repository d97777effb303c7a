import type { AuditEvent } from "@/lib/generated/prisma/client";

const ACTIONS: Record<string, string> = {
  "invite.created": "Invite created",
  "invite.revoked": "Invite revoked",
  "invite.reissued": "Invite link re-issued",
  "customer.signed_in": "Customer admin signed in",
  "customer.returned": "Customer admin came back",
  "customer.sign_in_refused": "Sign-in refused",
  "consent.granted": "Admin consent granted and proved",
  "consent.declined": "Admin consent not granted",
  "consent.not_proved": "Consent not yet visible to us",
  "consent.callback_rejected": "Consent response rejected",
  "key.submitted": "Key URI submitted",
  "key.rejected": "Key URI rejected",
  "key.verified": "Key verified",
  "key.reverified": "Key verified again",
  "key.waiting_for_role": "Waiting for role assignment",
  "key.verification_failed": "Key verification failed",
};

export function Timeline({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">Nothing has happened yet.</p>;
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5">
      {events.map((e) => (
        <li key={e.id.toString()} data-action={e.action}>
          <span
            className={`absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full ${e.outcome === "success" ? "bg-emerald-500" : e.outcome === "denied" ? "bg-red-500" : "bg-amber-500"}`}
            aria-hidden
          />
          <p className="text-sm font-medium text-slate-900">{ACTIONS[e.action] ?? e.action}</p>
          <p className="text-xs wrap-anywhere text-slate-600">
            {e.occurredAt.toISOString().replace("T", " ").slice(0, 19)} UTC · {e.actorType.toLowerCase()}{" "}
            {e.actorId ?? ""}
            {e.outcome !== "success" ? ` · ${e.outcome}` : ""}
          </p>
          {e.details !== null && <DetailLine details={e.details} />}
        </li>
      ))}
    </ol>
  );
}

function DetailLine({ details }: { details: unknown }) {
  if (typeof details !== "object" || details === null) return null;
  const entries = Object.entries(details as Record<string, unknown>).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  if (entries.length === 0) return null;
  return (
    <p className="mt-0.5 font-mono text-xs break-all text-slate-600">
      {entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join("  ")}
    </p>
  );
}
