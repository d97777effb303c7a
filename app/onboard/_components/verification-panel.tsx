import { Card } from "@/components/ui/card";
import { StatusBadge, type Tone } from "@/components/ui/status-badge";
import type { HopStatus, VerificationResult } from "@/lib/keys/verify/types";
import { ActionButton } from "./action-button";
import { KEY_SUBMITTED_FLAG } from "./steps";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { verifyAgain, type ActionResult } from "../actions";
import { formatDateTime } from "@/lib/format-date";

const TONE: Record<HopStatus, Tone> = {
  passed: "success",
  warning: "warning",
  failed: "danger",
  waiting: "info",
  skipped: "neutral",
};
const WORD: Record<HopStatus, string> = {
  passed: "Passed",
  warning: "Check",
  failed: "Failed",
  waiting: "Waiting",
  skipped: "Not checked",
};

/** Step 4's result: every hop from us to the key, each with its verdict, reason and fix. */
export function VerificationPanel({
  keyUri,
  status,
  result,
  title = "Verification",
  verify = verifyAgain,
  verifyLabel = "Verify again",
}: {
  keyUri: string;
  status: string;
  result: VerificationResult | null;
  title?: string;
  /** What "Verify again" verifies: the key in use, or a replacement key. */
  verify?: () => Promise<ActionResult>;
  verifyLabel?: string;
}) {
  const waiting = status === "WAITING_FOR_ROLE" || status === "VERIFYING";
  return (
    <Card
      title={title}
      description={
        <>
          <span className="font-mono text-xs break-all">{keyUri}</span>
          {result && (
            <span className="block text-xs text-slate-600">
              Last checked {formatDateTime(new Date(result.checkedAt))}
            </span>
          )}
        </>
      }
      actions={
        !waiting && (
          <ActionButton
            action={verify}
            label={verifyLabel}
            pendingLabel="Verifying…"
            variant="secondary"
            focusFlag={KEY_SUBMITTED_FLAG}
          />
        )
      }
    >
      {waiting && <AutoRefresh seconds={5} />}
      {status === "WAITING_FOR_ROLE" && (
        <p role="status" className="mb-4 rounded-md bg-brand-50 p-3 text-sm text-brand-900">
          Waiting for Azure to apply your role assignment. This is normal right after assigning a role and can
          take a few minutes; we check again on our own for up to 15 minutes. You can leave this page open or
          come back later.
        </p>
      )}
      <ol className="divide-y divide-slate-100" aria-label="Verification steps">
        {(result?.hops ?? []).map((hop) => (
          <li
            key={hop.id}
            className="flex flex-col gap-1 py-3 sm:flex-row sm:items-start sm:gap-4"
            data-hop={hop.id}
            data-status={hop.status}
          >
            <div className="shrink-0 sm:w-44">
              <StatusBadge tone={TONE[hop.status]}>{WORD[hop.status]}</StatusBadge>
              <p className="mt-1 text-sm font-medium text-slate-900">{hop.label}</p>
            </div>
            <div className="min-w-0 flex-1 text-sm text-slate-700">
              <p>{hop.summary}</p>
              {hop.azureCode && (
                <p className="mt-1 font-mono text-xs break-all text-slate-600">Azure: {hop.azureCode}</p>
              )}
              {hop.fix && (
                <div className="mt-2 flex flex-wrap items-start gap-2">
                  <CodeBlock label={`Fix for ${hop.label}`} className="min-w-0 flex-[1_1_14rem] p-2">
                    {hop.fix}
                  </CodeBlock>
                  <CopyButton text={hop.fix} label="Copy fix" />
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}
