"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { CmkState } from "@/lib/generated/prisma/enums";
import {
  applyAction,
  assignResourceAction,
  planApplyAction,
  recheckAction,
  type ResourceActionResult,
} from "./actions";

/** Assign to a customer, review the exact ARM changes, apply, re-check: each a server action checked for role. */
export function ResourceActions({
  resourceId,
  customerId,
  customers,
  state,
}: {
  resourceId: string;
  customerId: string | null;
  customers: { id: string; name: string }[];
  state: CmkState;
}) {
  const [result, setResult] = useState<ResourceActionResult | null>(null);
  const [reason, setReason] = useState("");
  const [pending, start] = useTransition();
  const act = (work: () => Promise<ResourceActionResult>) => start(async () => setResult(await work()));
  const plan = result?.ok ? result.plan : undefined;

  return (
    <div className="flex min-w-72 flex-col items-end gap-2 text-sm">
      <div className="flex items-center gap-2">
        <label className="sr-only" htmlFor={`assign-${resourceId}`}>
          Customer
        </label>
        <select
          id={`assign-${resourceId}`}
          value={customerId ?? ""}
          disabled={pending}
          onChange={(e) => act(() => assignResourceAction(resourceId, e.target.value))}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          <option value="">Unassigned</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {customerId && state !== "APPLYING" && state !== "PENDING" && (
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => act(() => planApplyAction(resourceId))}
          >
            Review plan
          </Button>
        )}
        <Button variant="ghost" disabled={pending} onClick={() => act(() => recheckAction(resourceId))}>
          Re-check
        </Button>
      </div>
      {plan && (
        <div
          className="w-[32rem] rounded-md bg-slate-50 p-3 text-left ring-1 ring-slate-200"
          data-testid="plan"
        >
          <p className="font-medium text-slate-900">Plan: use {plan.keyUri}</p>
          {plan.problems.map((p) => (
            <p key={p.code} className="mt-1 text-red-800">
              {p.message}
            </p>
          ))}
          <ol className="mt-2 list-decimal space-y-2 pl-5">
            {plan.steps.map((s, i) => (
              <li key={i}>
                <p>{s.description}</p>
                <details>
                  <summary className="cursor-pointer text-xs text-slate-500">
                    {s.method} {s.id.split("/providers/")[1]} (api-version {s.apiVersion})
                  </summary>
                  <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-900 p-2 font-mono text-[11px] text-slate-100">
                    {JSON.stringify(s.body, null, 2)}
                  </pre>
                </details>
              </li>
            ))}
          </ol>
          {plan.steps.length > 0 && (
            <div className="mt-3 flex items-center gap-2">
              <label className="sr-only" htmlFor={`reason-${resourceId}`}>
                Reason
              </label>
              <input
                id={`reason-${resourceId}`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={500}
                placeholder="Reason (optional, kept in the audit log)"
                className="flex-1 rounded-md border border-slate-300 px-2 py-1 text-xs"
              />
              <Button disabled={pending} onClick={() => act(() => applyAction(resourceId, reason))}>
                Apply
              </Button>
            </div>
          )}
        </div>
      )}
      <p
        role="status"
        aria-live="polite"
        className={`text-xs ${result?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </div>
  );
}
