"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { CustomerPicker, type CustomerOption } from "@/components/customer-picker";
import {
  ActionStatus,
  ApprovalNeeded,
  ConfirmStep,
  ReasonField,
  TargetCustomerField,
} from "./operation-parts";
import { Button } from "@/components/ui/button";
import type { FleetPreview } from "@/lib/operations/fleet-run";
import type { OperationName } from "@/lib/operations/support-operations";
import { previewFleetRunAction, requestFleetRunAction, type FleetActionResult } from "./actions";

const OPERATIONS: { value: OperationName; label: string }[] = [
  { value: "ROTATE", label: "Rotate to the key's newest version" },
  { value: "CHANGE_KEY", label: "Change key" },
  { value: "REVERT", label: "Revert to Microsoft-managed keys" },
];
const SERVICES = [
  ["STORAGE_ACCOUNT", "Storage account"],
  ["COSMOS_DB_ACCOUNT", "Cosmos DB account"],
  ["DISK_ENCRYPTION_SET", "Disk encryption set"],
  ["SQL_SERVER", "SQL server"],
  ["SQL_DATABASE", "SQL database"],
] as const;
const STATES = [
  ["APPLIED", "Customer key applied"],
  ["DRIFTED", "Drifted"],
] as const;

const field = "mt-1 rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm";

/** Selects resources, shows the aggregate blast radius, and requests the run (typed confirmation first). */
export function FleetRunForm({ initialCustomer }: { initialCustomer: CustomerOption | null }) {
  const id = useId();
  const router = useRouter();
  const [operation, setOperation] = useState<OperationName>("ROTATE");
  const [customer, setCustomer] = useState<CustomerOption | null>(initialCustomer);
  const [target, setTarget] = useState<CustomerOption | null>(null);
  const [kind, setKind] = useState("");
  const [cmkState, setCmkState] = useState("");
  const [subscriptionId, setSubscriptionId] = useState("");
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<FleetPreview | null>(null);
  const [typed, setTyped] = useState("");
  const [result, setResult] = useState<FleetActionResult | null>(null);
  const [pending, start] = useTransition();
  const stale = () => {
    setPreview(null);
    setTyped("");
    setResult(null);
  };
  const input = {
    operation,
    selection: {
      ...(customer && { customerId: customer.id }),
      ...(kind && { kind: kind as (typeof SERVICES)[number][0] }),
      ...(cmkState && { cmkState: cmkState as (typeof STATES)[number][0] }),
      ...(subscriptionId.trim() && { subscriptionId: subscriptionId.trim() }),
    },
    // A change of key without another customer named moves to the selected customer's own newest key.
    ...(operation === "CHANGE_KEY" && (target ?? customer) && { targetCustomerId: (target ?? customer)!.id }),
  };
  const phrase = preview ? `${preview.total} resources` : "";
  const confirmed = !preview || preview.total <= 1 || typed.trim() === phrase;

  return (
    <div className="space-y-4 text-sm" data-testid="fleet-form">
      <fieldset>
        <legend className="font-medium text-slate-900">Operation</legend>
        <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
          {OPERATIONS.map((o) => (
            <label key={o.value} className="flex items-center gap-2">
              <input
                type="radio"
                name={`${id}-operation`}
                checked={operation === o.value}
                onChange={() => {
                  setOperation(o.value);
                  stale();
                }}
              />
              {o.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="flex flex-wrap items-end gap-4">
        <legend className="mb-2 font-medium text-slate-900">Which resources</legend>
        <CustomerPicker
          label="Customer (empty: every customer)"
          verifiedKeyOnly={false}
          initial={customer}
          onPick={(c) => {
            setCustomer(c);
            stale();
          }}
        />
        <label className="flex flex-col text-slate-700">
          Service
          <select
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              stale();
            }}
            className={field}
          >
            <option value="">Any</option>
            {SERVICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-slate-700">
          Encryption
          <select
            value={cmkState}
            onChange={(e) => {
              setCmkState(e.target.value);
              stale();
            }}
            className={field}
          >
            <option value="">Any</option>
            {STATES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex w-full flex-col text-slate-700 sm:w-80">
          Subscription ID
          <input
            value={subscriptionId}
            onChange={(e) => {
              setSubscriptionId(e.target.value);
              stale();
            }}
            spellCheck={false}
            className={`${field} font-mono text-xs`}
          />
        </label>
      </fieldset>
      {customer && (
        <p className="text-slate-600">
          Only {customer.name}&apos;s resources.{" "}
          <button
            type="button"
            className="text-brand-700 underline"
            onClick={() => {
              setCustomer(null);
              stale();
            }}
          >
            Every customer
          </button>
        </p>
      )}
      {operation === "CHANGE_KEY" && (
        <TargetCustomerField
          label="Move to the key of customer"
          target={target}
          onPick={(c) => {
            setTarget(c);
            stale();
          }}
          hint={
            target
              ? `Every selected resource moves to ${target.name}'s verified key.`
              : customer
                ? `Empty: ${customer.name}'s own newest verified key (a replacement key).`
                : "Choose a customer above, or the customer whose key every selected resource moves to."
          }
        />
      )}
      <ReasonField value={reason} onChange={setReason} />
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            setTyped("");
            const answer = await previewFleetRunAction(input);
            setResult(answer.ok ? null : answer);
            setPreview(answer.ok ? (answer.preview ?? null) : null);
          })
        }
      >
        Preview blast radius
      </Button>
      {preview && <FleetBlastRadius preview={preview} />}
      {preview && preview.total > 0 && (
        <ConfirmStep
          phrase={preview.total > 1 ? <strong>{phrase}</strong> : null}
          typed={confirmed}
          onType={setTyped}
          risky
          disabled={pending}
          label={preview.approvalReasons.length ? "Request approval" : "Start the run"}
          onConfirm={() =>
            start(async () => {
              const answer = await requestFleetRunAction({ ...input, reason });
              setResult(answer);
              if (answer.ok && answer.runId) router.push(`/console/operations/${answer.runId}`);
            })
          }
        />
      )}
      <ActionStatus result={result} />
    </div>
  );
}

/** The aggregate blast radius: resources by service and customer, writes and time, risks, who must agree. */
export function FleetBlastRadius({ preview }: { preview: FleetPreview }) {
  return (
    <section
      aria-label="Blast radius"
      data-testid="blast-radius"
      className="space-y-3 rounded-md bg-slate-50 p-3"
    >
      <h3 className="font-semibold text-slate-900">
        Blast radius: {preview.label.toLowerCase()} on {preview.total} resource(s)
      </h3>
      {preview.target && (
        <p>
          To <span className="font-mono text-xs break-all">{preview.target.keyUri}</span> (
          {preview.target.customer})
        </p>
      )}
      {preview.groups.length > 0 && (
        <table className="w-full text-left">
          <caption className="sr-only">Resources touched by service and customer</caption>
          <thead>
            <tr className="text-slate-600">
              <th className="py-1 pr-3 font-medium">Service</th>
              <th className="py-1 pr-3 font-medium">Customer</th>
              <th className="py-1 pr-3 font-medium">Resources</th>
              <th className="py-1 font-medium">ARM writes</th>
            </tr>
          </thead>
          <tbody>
            {preview.groups.map((g) => (
              <tr key={`${g.kind}-${g.customer}`} className="border-t border-slate-200">
                <td className="py-1 pr-3">{g.service}</td>
                <td className="py-1 pr-3">{g.customer}</td>
                <td className="py-1 pr-3">{g.count}</td>
                <td className="py-1">{g.writes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p data-testid="fleet-writes">
        {preview.writes} ARM write(s) in {preview.subscriptions} subscription(s): about{" "}
        {preview.secondsAtBudget} s at the per-subscription write budget.
      </p>
      {preview.excluded.map((e) => (
        <p key={e.service}>
          <strong>Left out:</strong> {e.count} {e.service}(s). {e.why}
        </p>
      ))}
      {preview.refused.map((r) => (
        <p key={r.why} className="text-amber-900" data-testid="fleet-refused">
          <strong>Refused, nothing written:</strong> {r.count} {r.service}(s). {r.why}
        </p>
      ))}
      {preview.ifKeyUnreachable.map((u) => (
        <p key={u.service}>
          <strong>{u.service}, if the new key is unreachable:</strong> {u.words}
        </p>
      ))}
      {preview.irreversible.map((i) => (
        <p key={i} className="text-amber-900">
          <strong>Cannot be undone:</strong> {i}
        </p>
      ))}
      <ApprovalNeeded reasons={preview.approvalReasons} />
    </section>
  );
}
