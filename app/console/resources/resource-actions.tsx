"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { ArmWriteList } from "@/components/arm-write-list";
import { CustomerPicker } from "@/components/customer-picker";
import { Button, ButtonLink } from "@/components/ui/button";
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
  resourceName,
  customerId,
  state,
}: {
  resourceId: string;
  resourceName: string;
  customerId: string | null;
  state: CmkState;
}) {
  const [result, setResult] = useState<ResourceActionResult | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [pending, start] = useTransition();
  // The plan's dialog exists only once there is a plan: every row of the list has these controls, and an
  // empty dialog per row is page weight for nothing. Each new plan opens it after it renders.
  const [plansShown, setPlansShown] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (plansShown > 0) dialog.current?.showModal();
  }, [plansShown]);
  const act = (work: () => Promise<ResourceActionResult>) => start(async () => setResult(await work()));
  const plan = result?.ok ? result.plan : undefined;
  const canPlan = customerId && state !== "APPLYING" && state !== "PENDING";
  const reassignable = !customerId || state === "MICROSOFT_MANAGED" || state === "FAILED";

  return (
    <div className="flex flex-col items-end gap-1.5 text-sm">
      {choosing ? (
        <div className="flex items-end gap-2">
          <CustomerPicker
            label={`Customer for ${resourceName}`}
            verifiedKeyOnly
            autoFocus
            onPick={(customer) => {
              setChoosing(false);
              act(() => assignResourceAction(resourceId, customer.id));
            }}
          />
          <Button variant="ghost" onClick={() => setChoosing(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <div className="flex flex-wrap justify-end gap-1">
          {/* An encrypted resource moves to another customer only through Change key on its page, with its
              blast radius and an Admin's approval; the dropdown is offered while nothing depends on it. */}
          {reassignable ? (
            <Button variant="secondary" disabled={pending} onClick={() => setChoosing(true)}>
              {customerId ? "Change customer" : "Assign"}
            </Button>
          ) : (
            <ButtonLink variant="secondary" href={`/console/resources/${resourceId}`}>
              Operations<span className="sr-only"> on {resourceName}</span>
            </ButtonLink>
          )}
          {canPlan && (
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  setConfirming(false);
                  const planned = await planApplyAction(resourceId);
                  setResult(planned);
                  if (planned.ok && planned.plan) setPlansShown((n) => n + 1);
                })
              }
            >
              Review plan
            </Button>
          )}
          <Button variant="ghost" disabled={pending} onClick={() => act(() => recheckAction(resourceId))}>
            Re-check
          </Button>
        </div>
      )}
      {plan && (
        <dialog
          ref={dialog}
          aria-label={`Plan for ${resourceName}`}
          className="m-auto w-[40rem] max-w-[90vw] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
        >
          <div className="p-5 text-left" data-testid="plan">
            <h2 className="text-lg font-semibold text-slate-900">Plan for {resourceName}</h2>
            <p className="mt-1 text-sm break-all text-slate-700">Use key {plan.keyUri}</p>
            {plan.problems.map((p) => (
              <p key={p.code} className="mt-2 text-red-800">
                {p.message}
              </p>
            ))}
            <ArmWriteList steps={plan.steps} className="mt-3" />
            {plan.steps.length > 0 && (
              <label className="mt-4 flex flex-col text-sm text-slate-700">
                Reason (optional, kept in the audit log)
                <input
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  maxLength={500}
                  className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                />
              </label>
            )}
            <div className="mt-4 flex flex-wrap items-center justify-end gap-2">
              {confirming && (
                <p className="mr-auto text-sm text-slate-800">
                  Azure starts using the customer&apos;s key on {resourceName} now. Apply?
                </p>
              )}
              <Button variant="ghost" onClick={() => dialog.current?.close()}>
                {confirming ? "Cancel" : "Close"}
              </Button>
              {plan.steps.length > 0 &&
                (confirming ? (
                  <Button
                    disabled={pending}
                    onClick={() => {
                      dialog.current?.close();
                      act(() => applyAction(resourceId, reason));
                    }}
                  >
                    Yes, apply
                  </Button>
                ) : (
                  <Button disabled={pending} onClick={() => setConfirming(true)}>
                    Apply
                  </Button>
                ))}
            </div>
          </div>
        </dialog>
      )}
      <p
        role="status"
        aria-live="polite"
        className={`max-w-56 text-right text-xs ${result?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </div>
  );
}
