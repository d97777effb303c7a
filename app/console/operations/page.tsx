import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getCustomerName } from "@/lib/customers/find-customers";
import { getDb } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format-date";
import { findRuns } from "@/lib/operations/fleet-run";
import { OPERATIONS, type OperationName } from "@/lib/operations/support-operations";
import { FleetRunForm } from "./fleet-run-form";
import { RunStateBadge } from "./run-state-badge";

export const metadata: Metadata = { title: "Fleet operations" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = (value: string | string[] | undefined) =>
  typeof value === "string" && GUID.test(value) ? value : undefined;

/** Operations across many resources: select, preview, request; and the runs so far, newest first. */
export default async function OperationsPage(props: { searchParams: SearchParams }) {
  await requireOperatorPage();
  const params = await props.searchParams;
  const db = getDb();
  const customerId = guid(params.customer);
  const [customerName, runs] = await Promise.all([
    customerId ? getCustomerName(db, customerId) : null,
    findRuns(db, { cursor: guid(params.after) }),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold text-slate-900">Fleet operations</h1>
        <p className="text-sm text-slate-600">
          Rotate, change or revert keys on many resources at once: by customer, service, subscription or
          state. A run touching more than one resource waits for an Admin other than the requester, then runs
          in batches within each subscription&apos;s ARM write budget.
        </p>
      </div>
      <Card title="New run">
        <FleetRunForm
          initialCustomer={customerId && customerName ? { id: customerId, name: customerName } : null}
        />
      </Card>
      <Card title="Runs" description="Newest first.">
        {runs.rows.length === 0 ? (
          <p className="text-sm text-slate-600">No run yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {runs.rows.map((run) => (
              <li key={run.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-run={run.id}>
                <Link href={`/console/operations/${run.id}`} className="font-medium text-brand-700 underline">
                  {OPERATIONS[run.operation as OperationName]?.label ?? run.operation}
                </Link>
                <RunStateBadge state={run.state} />
                <span className="text-slate-600">
                  {run.total ? `${run.total} resources · ` : ""}
                  {run.requestedBy}, {formatDateTime(run.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {runs.next && (
          <Link
            href={`/console/operations?after=${runs.next}`}
            className="mt-3 block text-sm text-brand-700 underline"
          >
            Older runs
          </Link>
        )}
      </Card>
    </div>
  );
}
