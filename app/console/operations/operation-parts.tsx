"use client";

import type { ReactNode } from "react";
import { CustomerPicker, type CustomerOption } from "@/components/customer-picker";
import { Button } from "@/components/ui/button";

const field = "mt-1 rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm";

/** The mandatory reason of an operation: the audit log and the approver read it. */
export function ReasonField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="flex flex-col text-slate-700">
      Reason (required: the audit log and the approver see it)
      <textarea
        value={value}
        onChange={(e) => onChange(e.target.value)}
        maxLength={1000}
        rows={2}
        className={field}
      />
    </label>
  );
}

/** The customer whose key a change moves to, with what an empty choice means. */
export function TargetCustomerField({
  label,
  target,
  onPick,
  hint,
}: {
  label: string;
  target: CustomerOption | null;
  onPick: (customer: CustomerOption) => void;
  hint: string;
}) {
  return (
    <div>
      <CustomerPicker label={label} verifiedKeyOnly initial={target} onPick={onPick} />
      <p className="mt-1 text-slate-600">{hint}</p>
    </div>
  );
}

/** Why a second person must approve, as the preview says it. */
export function ApprovalNeeded({ reasons }: { reasons: string[] }) {
  if (reasons.length === 0) return null;
  return (
    <div className="text-amber-900" data-testid="approval-needed">
      <strong>An Admin other than you must approve it:</strong>
      <ul className="list-disc pl-5">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The last step of a previewed operation: for a risky one the phrase must be typed first, then the button
 * runs it or asks for approval.
 */
export function ConfirmStep({
  phrase,
  typed,
  onType,
  risky,
  disabled,
  label,
  onConfirm,
}: {
  /** What must be typed; null when nothing needs typing. */
  phrase: ReactNode;
  typed: boolean;
  onType: (value: string) => void;
  risky: boolean;
  disabled: boolean;
  label: string;
  onConfirm: () => void;
}) {
  return (
    <div className="space-y-3 border-t border-slate-200 pt-3">
      {phrase !== null && (
        <label className="flex flex-col text-slate-700">
          <span>Type {phrase} to confirm</span>
          <input
            onChange={(e) => onType(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className={`${field} font-mono text-xs sm:w-80`}
          />
        </label>
      )}
      <Button variant={risky ? "danger" : "primary"} disabled={disabled || !typed} onClick={onConfirm}>
        {label}
      </Button>
    </div>
  );
}

/** What an action answered, announced to screen readers. */
export function ActionStatus({
  result,
  className = "",
}: {
  result: { ok: true; message: string } | { ok: false; error: string } | null;
  className?: string;
}) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={`${className} ${result?.ok === false ? "text-red-700" : "text-slate-700"}`}
    >
      {result ? (result.ok ? result.message : result.error) : null}
    </p>
  );
}
