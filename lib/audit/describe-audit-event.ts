import "server-only";
import { HOPS } from "@/lib/keys/verify/types";
import { formatDay } from "@/lib/format-date";

/** An audit entry as a person reads it: what happened in one line; the raw details stay one click away. */
export type AuditEventWords = { title: string; summary?: string };

const TITLES: Record<string, string> = {
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
  "key.waiting_for_role": "Waiting for the role assignment on the key",
  "key.verification_failed": "Key verification failed",
  "key.replacement_submitted": "Replacement key handed over",
  "key.replacement_verified": "Replacement key verified",
  "key.replacement_failed": "Replacement key verification failed",
  "key.replacement_withdrawn": "Replacement key withdrawn by a newer one",
  "key.replacement_declined": "Replacement key declined",
  "key.replacement_accepted": "Replacement key approved",
  "key.replacement_applied": "Replacement key applied",
  "settings.key_handover_policy": "Replacement key policy changed",
  "resource.assigned": "Resource assigned",
  "resource.unassigned": "Resource unassigned",
  "cmk.plan_reviewed": "Encryption plan reviewed",
  "cmk.apply_requested": "Customer key apply requested",
  "cmk.apply_started": "Customer key apply started",
  "cmk.applied": "Customer key applied",
  "cmk.apply_failed": "Customer key apply failed",
  "cmk.rechecked": "Resource re-checked in Azure",
  "operation.requested": "Operation requested",
  "cmk.change_requested": "Key change cleared to run",
  "cmk.revert_requested": "Revert cleared to run",
  "cmk.rotated": "Rotated to the key's newest version",
  "cmk.key_changed": "Changed to another key",
  "cmk.reverted": "Reverted to Microsoft-managed keys",
  "job.awaiting_approval": "Waiting for an Admin's approval",
  "job.queued": "Job queued",
  "job.running": "Job running",
  "job.waiting_on_azure": "Waiting on Azure",
  "job.paused": "Job held: its run is paused",
  "job.cancelling": "Job cancelling",
  "run.requested": "Fleet run requested",
  "run.running": "Fleet run started",
  "run.paused": "Fleet run paused",
  "run.cancelling": "Fleet run cancelling",
  "run.cancelled": "Fleet run cancelled",
  "run.finished": "Fleet run finished",
  "run.declined": "Fleet run declined",
  "run.skipped": "Fleet run passed over resources",
  "inventory.resource_added": "Resource added to the inventory",
  "job.succeeded": "Job succeeded",
  "job.failed": "Job failed",
  "job.cancelled": "Job cancelled",
};

const HOP_LABELS: Record<string, string> = Object.fromEntries(HOPS.map((h) => [h.id, h.label]));

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** "Key verified: every hop passed", "Key verification failed at Vault reachable", … */
function describeHops(hops: unknown): string | undefined {
  if (!Array.isArray(hops) || hops.length === 0) return undefined;
  const parsed = hops
    .filter((h): h is string => typeof h === "string")
    .map((h) => {
      const [id = "", status = ""] = h.split(":");
      return { label: HOP_LABELS[id] ?? id, status };
    });
  const stopped = parsed.find((h) => h.status === "failed" || h.status === "waiting");
  if (stopped) return `stopped at ${stopped.label.toLowerCase()} (${stopped.status})`;
  const warnings = parsed.filter((h) => h.status === "warning").map((h) => h.label.toLowerCase());
  if (warnings.length) return `every hop passed, with a warning on ${warnings.join(" and ")}`;
  return "every hop passed";
}

function describeDetails(action: string, details: Record<string, unknown>): string | undefined {
  switch (action) {
    case "invite.created": {
      const until = text(details.expiresAt);
      const pinned = text(details.pinnedTenant);
      return [
        until ? `valid until ${formatDay(new Date(until))}` : undefined,
        pinned ? `pinned to ${pinned}` : undefined,
      ]
        .filter(Boolean)
        .join(", ");
    }
    case "key.submitted":
      return text(details.keyUri);
    case "key.rejected":
      return text(details.problem)?.replaceAll("_", " ");
    case "key.verified":
    case "key.reverified":
    case "key.waiting_for_role":
    case "key.verification_failed":
    case "key.replacement_verified":
    case "key.replacement_failed":
      return describeHops(details.hops);
    case "key.replacement_submitted":
    case "key.replacement_accepted":
      return text(details.keyUri);
    case "key.replacement_applied":
      return typeof details.onNewKey === "number" && typeof details.total === "number"
        ? `${details.onNewKey} of ${details.total} resources read the new key back`
        : undefined;
    case "consent.declined":
    case "consent.callback_rejected":
      return text(details.description) ?? text(details.reason)?.replaceAll("_", " ");
    case "consent.not_proved":
      return text(details.message);
    case "run.requested":
    case "operation.requested": {
      const operation = text(details.operation)?.toLowerCase().replaceAll("_", " ");
      const reason = text(details.reason);
      return [operation, reason && `"${reason}"`].filter(Boolean).join(": ");
    }
    case "job.queued":
    case "run.running":
      return text(details.approvedBy) && `approved by ${text(details.approvedBy)}`;
    case "job.cancelled":
      return text(details.declinedBy) && `declined by ${text(details.declinedBy)}`;
    case "cmk.rotated":
    case "cmk.key_changed":
      return (
        text(details.keyUri) &&
        `now ${text(details.keyUri)}${text(details.keyVersion) ? ` (version ${text(details.keyVersion)})` : ""}`
      );
    default:
      return undefined;
  }
}

export function describeAuditEvent(event: { action: string; details: unknown }): AuditEventWords {
  const title = TITLES[event.action] ?? event.action.replaceAll(/[._]/g, " ");
  const details =
    typeof event.details === "object" && event.details !== null && !Array.isArray(event.details)
      ? (event.details as Record<string, unknown>)
      : {};
  const summary = describeDetails(event.action, details) || undefined;
  return { title, summary };
}

/**
 * An entry's recorded details, one `name: value` line per field: text as it is, a list of plain values
 * joined with commas, anything nested as compact JSON. Every value is kept (the CSV export has the exact
 * JSON); pretty-printed JSON would triple a timeline page's weight in indentation and quotes.
 */
export function detailLines(details: unknown): string {
  if (typeof details !== "object" || details === null || Array.isArray(details))
    return JSON.stringify(details);
  return Object.entries(details as Record<string, unknown>)
    .map(([name, value]) => `${name}: ${plain(value)}`)
    .join("\n");
}

function plain(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"))
    return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
  return JSON.stringify(value);
}
