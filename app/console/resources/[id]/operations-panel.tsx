"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { ArmWriteList } from "@/components/arm-write-list";
import type { CustomerOption } from "@/components/customer-picker";
import { Button } from "@/components/ui/button";
import type { OperationName, OperationPreview } from "@/lib/operations/support-operations";
import {
  previewOperationAction,
  requestOperationAction,
  type OperationActionResult,
} from "../../operations/actions";
import {
  ActionStatus,
  ApprovalNeeded,
  ConfirmStep,
  ReasonField,
  TargetCustomerField,
} from "../../operations/operation-parts";

const CHOICES: { value: OperationName; label: string; hint: string }[] = [
  {
    value: "ROTATE",
    label: "Rotate",
    hint: "Move to the newest version of the key it uses now.",
  },
  {
    value: "CHANGE_KEY",
    label: "Change key",
    hint: "Move to another key: the customer's new one, or another customer's (needs an Admin's approval).",
  },
  {
    value: "REVERT",
    label: "Revert to Microsoft-managed keys",
    hint: "Stop using the customer's key, where the service allows it.",
  },
];

/** A preview is risky when it cannot be undone, moves the resource to another customer, or drops the customer's key. */
function isRisky(preview: OperationPreview): boolean {
  return preview.crossCustomer || preview.irreversible !== null || preview.operation === "REVERT";
}

/**
 * The operations on one resource: choose, say why, see the blast radius (planned exactly as the job will run),
 * type the resource's name for a risky one, then run it or ask an Admin to approve it.
 */
export function OperationsPanel({
  resourceId,
  resourceName,
  customerName,
  canRun,
}: {
  resourceId: string;
  resourceName: string;
  customerName: string | null;
  /** Operator or Admin: runs own-customer operations directly; Support only requests. */
  canRun: boolean;
}) {
  const id = useId();
  const router = useRouter();
  const [operation, setOperation] = useState<OperationName>("ROTATE");
  const [target, setTarget] = useState<CustomerOption | null>(null);
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<OperationPreview | null>(null);
  const [typed, setTyped] = useState("");
  const [result, setResult] = useState<OperationActionResult | null>(null);
  const [pending, start] = useTransition();
  // Any change to the question makes the shown blast radius stale.
  const reset = () => {
    setPreview(null);
    setTyped("");
    setResult(null);
  };
  const input = {
    resourceId,
    operation,
    ...(operation === "CHANGE_KEY" && target && { targetCustomerName: target.name }),
  };
  const needsApproval = (preview?.approvalReasons.length ?? 0) > 0;
  const blocked = !preview || preview.problems.length > 0 || preview.steps.length === 0;
  const confirmed = !preview || !isRisky(preview) || typed.trim() === resourceName;

  return (
    <div className="space-y-4 text-sm" data-testid="operations">
      <fieldset>
        <legend className="font-medium text-slate-900">Operation</legend>
        <div className="mt-2 space-y-2">
          {CHOICES.map((choice) => (
            <label key={choice.value} className="flex items-start gap-2">
              <input
                type="radio"
                name={`${id}-operation`}
                value={choice.value}
                checked={operation === choice.value}
                onChange={() => {
                  setOperation(choice.value);
                  reset();
                }}
                className="mt-1"
              />
              <span>
                <span className="font-medium text-slate-900">{choice.label}</span>
                <span className="block text-slate-600">{choice.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {operation === "CHANGE_KEY" && (
        <TargetCustomerField
          label="Use the key of customer"
          target={target}
          onPick={(customer) => {
            setTarget(customer);
            reset();
          }}
          hint={
            target
              ? `Moves to ${target.name}'s verified key.`
              : `Empty: ${customerName ?? "its customer"}'s newest verified key.`
          }
        />
      )}
      <ReasonField
        value={reason}
        onChange={(value) => {
          setReason(value);
          setResult(null);
        }}
      />
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            setTyped("");
            const answer = await previewOperationAction(input);
            setResult(answer.ok ? null : answer);
            setPreview(answer.ok ? (answer.preview ?? null) : null);
          })
        }
      >
        {pending && !preview ? "Planning…" : "Preview blast radius"}
      </Button>

      {preview && <BlastRadius preview={preview} />}

      {preview && !blocked && (
        <ConfirmStep
          phrase={isRisky(preview) ? <strong className="font-mono break-all">{resourceName}</strong> : null}
          typed={confirmed}
          onType={setTyped}
          risky={isRisky(preview)}
          disabled={pending}
          label={needsApproval || !canRun ? "Request approval" : `Run: ${preview.label.toLowerCase()}`}
          onConfirm={() =>
            start(async () => {
              const answer = await requestOperationAction({ ...input, reason });
              setResult(answer);
              if (answer.ok) {
                setPreview(null);
                setTyped("");
                router.refresh();
              }
            })
          }
        />
      )}
      <ActionStatus result={result} />
    </div>
  );
}

/** What the operation touches, writes and risks, in the preview's own words. */
function BlastRadius({ preview }: { preview: OperationPreview }) {
  return (
    <section
      aria-label="Blast radius"
      data-testid="blast-radius"
      className="space-y-3 rounded-md bg-slate-50 p-3"
    >
      <h3 className="font-semibold text-slate-900">
        Blast radius: {preview.label.toLowerCase()} on {preview.resource.name}
      </h3>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[9rem_1fr]">
        <dt className="text-slate-600">Touches</dt>
        <dd>
          1 {preview.resource.service} of {preview.from.customer ?? "no customer"}
        </dd>
        <dt className="text-slate-600">From</dt>
        <dd className="font-mono text-xs break-all">{preview.from.keyUri ?? "Microsoft-managed keys"}</dd>
        <dt className="text-slate-600">To</dt>
        <dd className="font-mono text-xs break-all">
          {preview.to.keyUri ?? "Microsoft-managed keys"}
          {preview.to.customer && preview.to.keyUri && (
            <span className="font-sans text-slate-600"> ({preview.to.customer})</span>
          )}
        </dd>
        <dt className="text-slate-600">ARM writes</dt>
        <dd data-testid="write-count">
          {preview.steps.length} · about {preview.secondsAtBudget} s at the write budget
        </dd>
      </dl>
      {preview.problems.map((p) => (
        <p key={p.code} className="text-red-800" data-testid="refusal">
          <strong>Not possible:</strong> {p.message}
        </p>
      ))}
      {preview.steps.length > 0 && <ArmWriteList steps={preview.steps} />}
      {preview.notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
      <p>
        <strong>If the new key is unreachable:</strong> {preview.ifKeyUnreachable}
      </p>
      {preview.irreversible && (
        <p className="text-amber-900">
          <strong>Cannot be undone:</strong> {preview.irreversible}
        </p>
      )}
      <ApprovalNeeded reasons={preview.approvalReasons} />
    </section>
  );
}
