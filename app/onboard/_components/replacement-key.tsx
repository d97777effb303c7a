import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import { describeAuditEvent } from "@/lib/audit/describe-audit-event";
import { formatDateTime } from "@/lib/format-date";
import type { HandoverStatus } from "@/lib/onboarding/handover-status";
import type { SignedInView } from "@/lib/onboarding/get-customer-view";
import { submitReplacement, verifyReplacementAgain } from "../actions";
import { KeyForm } from "./key-form";
import { VerificationPanel } from "./verification-panel";

const BADGE: Record<HandoverStatus, [Tone, string]> = {
  verifying: ["info", "Verifying"],
  waiting_for_role: ["info", "Waiting for your role"],
  failed: ["danger", "Not verified"],
  awaiting_approval: ["info", "Waiting for approval"],
  applying: ["info", "Being applied"],
  incomplete: ["warning", "Partly applied"],
  done: ["success", "In use"],
  declined: ["neutral", "Declined"],
};

/**
 * After onboarding: hand over a replacement key, and where the last one stands. The key in use stays in use until
 * the ISV applies the replacement; a replacement that fails verification changes nothing.
 */
export function ReplacementKey({ view, isvName }: { view: SignedInView; isvName: string }) {
  const handover = view.handover;
  const status = handover?.status;
  const inUse = view.key?.uri;
  const live = status === "verifying" || status === "applying";
  return (
    <>
      {live && <AutoRefresh seconds={3} />}
      {handover && status && (
        <Card
          title={
            <span className="flex flex-wrap items-center gap-2">
              Your replacement key <StatusBadge tone={BADGE[status][0]}>{BADGE[status][1]}</StatusBadge>
            </span>
          }
          description={<span className="font-mono text-xs break-all">{handover.key.uri}</span>}
        >
          <div
            className="space-y-2 text-sm text-slate-700"
            data-testid="handover-status"
            data-status={status}
          >
            {status === "verifying" && <p>We are checking your replacement key, step by step.</p>}
            {status === "waiting_for_role" && (
              <p>
                Azure is still applying your role assignment on the replacement key; we keep checking on our
                own. Your current key stays in use.
              </p>
            )}
            {status === "failed" && (
              <p>
                Your replacement key did not pass verification, so nothing changed: your current key stays in
                use. The failed check and its fix are shown below; fix it and verify again, or hand over
                another key.
              </p>
            )}
            {status === "awaiting_approval" && (
              <p>
                Replacement key verified — waiting for {isvName} to apply it. Until then your current key
                stays in use
                {inUse ? (
                  <>
                    {" "}
                    (<span className="font-mono text-xs break-all">{inUse}</span>)
                  </>
                ) : null}
                .
              </p>
            )}
            {status === "applying" && (
              <p>
                {isvName} is applying your replacement key:{" "}
                <strong>
                  {handover.resources.onNewKey} of {handover.resources.total}
                </strong>{" "}
                resources use it now. The others use your previous key until their turn; keep it enabled.
              </p>
            )}
            {status === "incomplete" && (
              <p>
                {handover.resources.onNewKey} of {handover.resources.total} resources use your replacement
                key; the others still use your previous key, so keep it enabled. {isvName} sees which ones did
                not switch and why.
              </p>
            )}
            {status === "done" && (
              <p>
                Applied:{" "}
                {handover.resources.total === 1
                  ? "your resource reads"
                  : `all ${handover.resources.total} of your resources read`}{" "}
                your replacement key back
                {handover.run?.finishedAt ? `, since ${formatDateTime(handover.run.finishedAt)}` : ""}. You
                may retire your previous key once you no longer need it.
              </p>
            )}
            {status === "declined" && (
              <p>
                {isvName} declined this replacement key; your current key stays in use. Contact {isvName} if
                you did not expect this.
              </p>
            )}
          </div>
          {view.handoverHistory.length > 0 && (
            <>
              <h3 className="mt-4 text-sm font-semibold text-slate-900">History</h3>
              <ol className="mt-1 space-y-1 text-sm" data-testid="handover-history">
                {view.handoverHistory.map((e) => {
                  const words = describeAuditEvent(e);
                  const who =
                    e.actorType === "CUSTOMER"
                      ? (e.actorId ?? "you")
                      : e.actorType === "OPERATOR"
                        ? isvName
                        : "automatically";
                  return (
                    <li key={e.id.toString()} data-action={e.action} className="text-slate-700">
                      <span className="text-slate-500">{formatDateTime(e.occurredAt)}</span> ·{" "}
                      <span className="font-medium text-slate-900">{words.title}</span>
                      {words.summary && e.action !== "key.replacement_submitted" && `: ${words.summary}`}{" "}
                      <span className="text-slate-500">({who})</span>
                    </li>
                  );
                })}
              </ol>
            </>
          )}
        </Card>
      )}
      {handover &&
        (status === "failed" || status === "waiting_for_role") &&
        handover.key.verification !== null && (
          <VerificationPanel
            title="Verification of your replacement key"
            keyUri={handover.key.uri}
            status={handover.key.verificationStatus}
            result={handover.key.verification}
            verify={verifyReplacementAgain}
            verifyLabel="Verify the replacement again"
          />
        )}
      {status !== "applying" && status !== "incomplete" && (
        <Card
          title="Hand over a replacement key"
          description={`Moving to a new key? Paste its URI: we verify it at once, as for your first key. Once verified, ${isvName} applies it to your resources; your current key stays in use until then.${status === "awaiting_approval" || status === "failed" || status === "verifying" ? " Handing over another key withdraws the one above." : ""}`}
        >
          <KeyForm
            submit={submitReplacement}
            idPrefix="replacementKeyUri"
            label="Replacement key identifier (URI)"
            button="Hand over and verify"
          />
        </Card>
      )}
    </>
  );
}
