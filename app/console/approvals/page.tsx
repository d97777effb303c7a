import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { hasRole, requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format-date";
import { jobPlanColumn } from "@/lib/jobs/job-columns";
import { findRuns, HANDOVER_LABEL } from "@/lib/operations/fleet-run";
import { getIsvSettings } from "@/lib/settings/isv-settings";
import { HandoverPolicyForm } from "./handover-policy-form";
import { findPendingApprovals, OPERATIONS, type OperationName } from "@/lib/operations/support-operations";
import { ApprovalButtons } from "./approval-buttons";

export const metadata: Metadata = { title: "Approvals" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Requests waiting for a second person: every role sees them; only an Admin who did not ask may decide. */
export default async function ApprovalsPage(props: { searchParams: SearchParams }) {
  const session = await requireOperatorPage();
  const isAdmin = hasRole(session, ["Admin"]);
  const after = (await props.searchParams).after;
  const cursor = typeof after === "string" && GUID.test(after) ? after : undefined;
  const db = getDb();
  const [{ rows, keys: keyOf, next }, runs, settings] = await Promise.all([
    findPendingApprovals(db, { cursor }),
    findRuns(db, { state: "AWAITING_APPROVAL" }),
    getIsvSettings(db),
  ]);
  const me = session.upn.toLowerCase();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold text-slate-900">Approvals</h1>
        <p className="text-sm text-slate-600">
          Operations that wait for a second person before anything is written to Azure. An Admin other than
          the requester approves or declines each one.
        </p>
      </div>
      {runs.rows.length > 0 && (
        <Card title="Fleet runs" description="Open a run to see its blast radius and approve or decline it.">
          <ul className="divide-y divide-slate-200">
            {runs.rows.map((run) => (
              <li key={run.id} className="py-2 text-sm" data-approval-run={run.id}>
                <Link href={`/console/operations/${run.id}`} className="font-medium text-brand-700 underline">
                  {run.targetKeyId
                    ? HANDOVER_LABEL
                    : (OPERATIONS[run.operation as OperationName]?.label ?? run.operation)}
                </Link>{" "}
                <span className="text-slate-600">
                  requested by {run.requestedBy}, {formatDateTime(run.createdAt)}: &ldquo;{run.reason}&rdquo;
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card
        title="Customers' replacement keys"
        description="A customer can hand over a replacement key on their page. It is verified live first; then its change-key run either waits here for an Admin or starts at once."
      >
        {isAdmin ? (
          <HandoverPolicyForm policy={settings.keyHandoverPolicy} />
        ) : (
          <p className="text-sm text-slate-700" data-testid="handover-policy">
            {settings.keyHandoverPolicy === "APPROVAL"
              ? "A verified replacement key waits for an Admin's approval."
              : "A verified replacement key is applied at once."}{" "}
            Only an Admin can change this.
          </p>
        )}
      </Card>
      {rows.length === 0 && runs.rows.length === 0 && (
        <p className="text-sm text-slate-600">Nothing is waiting for approval.</p>
      )}
      <ul className="space-y-4">
        {rows.map((job) => {
          const plan = jobPlanColumn.read(job.plan);
          const operation = plan?.operation ? OPERATIONS[plan.operation].label : job.kind;
          const key = job.customerKeyId ? keyOf.get(job.customerKeyId) : undefined;
          const own = job.requestedBy.toLowerCase() === me;
          const what = `${operation.toLowerCase()} on ${job.resource?.name ?? "a resource"}`;
          return (
            <li key={job.id} data-approval={job.resource?.name}>
              <Card
                title={
                  <>
                    {operation} ·{" "}
                    {job.resourceId ? (
                      <Link
                        href={`/console/resources/${job.resourceId}`}
                        className="text-brand-700 underline"
                      >
                        {job.resource?.name}
                      </Link>
                    ) : (
                      "no resource"
                    )}
                  </>
                }
                actions={
                  isAdmin && !own ? (
                    <ApprovalButtons jobId={job.id} what={what} />
                  ) : (
                    <p className="max-w-64 text-sm text-slate-600" data-testid="cannot-approve">
                      {own
                        ? "You asked for this: an Admin other than you must approve it."
                        : "Only an Admin can approve or decline."}
                    </p>
                  )
                }
              >
                <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[9rem_1fr]">
                  <dt className="text-slate-500">Requested by</dt>
                  <dd className="break-all">
                    {job.requestedBy}, {formatDateTime(job.createdAt)}
                  </dd>
                  <dt className="text-slate-500">Reason</dt>
                  <dd>{job.reason ?? "—"}</dd>
                  <dt className="text-slate-500">Customer now</dt>
                  <dd>{job.resource?.customer?.name ?? "unassigned"}</dd>
                  <dt className="text-slate-500">To</dt>
                  <dd className="font-mono text-xs break-all">
                    {key ? (
                      <>
                        {key.keyUri} <span className="font-sans">({key.customer.name})</span>
                      </>
                    ) : (
                      "Microsoft-managed keys"
                    )}
                  </dd>
                  <dt className="text-slate-500">ARM writes</dt>
                  <dd>
                    {plan?.steps.length ?? 0}
                    {plan && plan.steps.length > 0 && `: ${plan.steps.map((s) => s.description).join(" ")}`}
                  </dd>
                </dl>
              </Card>
            </li>
          );
        })}
      </ul>
      {next && (
        <Link href={`/console/approvals?after=${next}`} className="text-sm text-brand-700 underline">
          Next page
        </Link>
      )}
    </div>
  );
}
