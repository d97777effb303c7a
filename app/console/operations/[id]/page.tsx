import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JobError } from "@/components/job-error";
import { JobStateBadge } from "@/components/cmk-state-badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { formatCount, formatDateTime } from "@/lib/format-date";
import { jobErrorColumn } from "@/lib/jobs/job-columns";
import {
  findRunJobs,
  getRun,
  HANDOVER_LABEL,
  getRunProgress,
  previewFleetRun,
  type FleetPreview,
} from "@/lib/operations/fleet-run";
import { isAppError } from "@/lib/errors";
import { FleetBlastRadius } from "../fleet-run-form";
import { OPERATIONS, type OperationName } from "@/lib/operations/support-operations";
import { RunControls } from "../run-controls";
import { RunStateBadge } from "../run-state-badge";

export const metadata: Metadata = { title: "Fleet run" };

type Props = { params: Promise<{ id: string }> };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 6) / 10} h`;
}

/** One run: where it stands (counts by state, pace, ETA), its controls, and each resource's outcome. */
export default async function RunPage(props: Props) {
  const session = await requireOperatorPage();
  const { id } = await props.params;
  if (!GUID.test(id)) notFound();
  const db = getDb();
  const found = await getRun(db, id);
  if (!found) notFound();
  const { run, selection, targetCustomerName, selectedCustomerName } = found;
  const [progress, failed, recent] = await Promise.all([
    getRunProgress(db, run),
    findRunJobs(db, { runId: run.id, state: "FAILED", take: 50 }),
    findRunJobs(db, { runId: run.id, take: 20 }),
  ]);
  const live = run.state === "RUNNING" || run.state === "CANCELLING";
  // Before approval the approver sees the blast radius as it is now, counted again from the database.
  let preview: FleetPreview | string | null = null;
  if (run.state === "AWAITING_APPROVAL")
    preview = await previewFleetRun(
      db,
      {
        operation: run.operation as OperationName,
        selection,
        targetCustomerId: run.targetCustomerId ?? undefined,
        targetKeyId: run.targetKeyId ?? undefined,
      },
      { roles: ["Admin"] },
    ).catch((error: unknown) => {
      if (isAppError(error)) return error.message;
      throw error;
    });
  const own = run.requestedBy.toLowerCase() === session.upn.toLowerCase();
  const label = run.targetKeyId
    ? HANDOVER_LABEL
    : (OPERATIONS[run.operation as OperationName]?.label ?? run.operation);
  const stat = (name: string, value: string, testId: string) => (
    <div className="rounded-md bg-slate-50 p-3">
      <dt className="text-xs text-slate-600">{name}</dt>
      <dd className="text-lg font-semibold text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <div className="space-y-6">
      {live && <AutoRefresh seconds={2} />}
      <p className="text-sm">
        <Link href="/console/operations" className="text-brand-700 underline">
          Fleet operations
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold text-slate-900">{label}</h1>
        <RunStateBadge state={run.state} />
      </div>
      <Card
        title="Progress"
        actions={
          <RunControls
            runId={run.id}
            state={run.state}
            canApprove={hasRole(session, ["Admin"]) && !own}
            canRun={hasRole(session, WRITE_ROLES)}
          />
        }
      >
        <div
          role="progressbar"
          aria-label="Resources with an outcome"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress.percent}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full bg-brand-600" style={{ width: `${progress.percent}%` }} />
        </div>
        <p className="mt-2 text-sm text-slate-700" aria-live="polite" data-testid="run-percent">
          {progress.percent} % of {formatCount(progress.total)} resources
          {run.state === "AWAITING_APPROVAL" && " (counted when an Admin approves)"}
        </p>
        <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {stat("Done", formatCount(progress.done), "run-done")}
          {stat("Failed", formatCount(progress.failed), "run-failed")}
          {stat("Remaining", formatCount(progress.remaining), "run-remaining")}
          {stat("Writing now", formatCount(progress.inFlight), "run-in-flight")}
          {stat("Cancelled", formatCount(progress.cancelled), "run-cancelled")}
          {stat("Skipped", formatCount(progress.skipped), "run-skipped")}
          {stat("Writes / s", progress.writesPerSecond?.toString() ?? "—", "run-rate")}
          {stat("ETA", progress.etaSeconds !== null ? duration(progress.etaSeconds) : "—", "run-eta")}
        </dl>
        {run.state === "CANCELLING" && (
          <p className="mt-3 text-sm text-slate-800">
            Cancelling: no new write starts; {progress.inFlight} write(s) already sent to Azure finish first,
            and their resources keep what Azure did.
          </p>
        )}
        {run.state === "PAUSED" && (
          <p className="mt-3 text-sm text-slate-800">
            Paused: no new job starts; {progress.inFlight} write(s) already sent finish. Resume to go on.
          </p>
        )}
      </Card>
      {preview && (
        <Card title="Blast radius now">
          {typeof preview === "string" ? (
            <p className="text-sm text-red-800">{preview}</p>
          ) : (
            <FleetBlastRadius preview={preview} />
          )}
        </Card>
      )}
      <Card title="Request">
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">Requested by</dt>
          <dd className="break-all">
            {run.requestedBy}, {formatDateTime(run.createdAt)}
          </dd>
          <dt className="text-slate-500">Approved by</dt>
          <dd className="break-all" data-testid="run-approved-by">
            {run.approvedBy ? `${run.approvedBy}, ${formatDateTime(run.approvedAt!)}` : "—"}
          </dd>
          <dt className="text-slate-500">Reason</dt>
          <dd>{run.reason}</dd>
          <dt className="text-slate-500">Selection</dt>
          <dd>
            {[
              selectedCustomerName ? `customer ${selectedCustomerName}` : "every customer",
              selection.kind && `service ${selection.kind.toLowerCase().replaceAll("_", " ")}`,
              selection.subscriptionId && `subscription ${selection.subscriptionId}`,
              selection.cmkState && `state ${selection.cmkState.toLowerCase()}`,
            ]
              .filter(Boolean)
              .join(", ")}
          </dd>
          {targetCustomerName && (
            <>
              <dt className="text-slate-500">To the key of</dt>
              <dd>{targetCustomerName}</dd>
            </>
          )}
        </dl>
      </Card>
      {failed.length > 0 && (
        <Card
          title="Failed resources"
          description="Azure's words and what to do; a re-check on the resource's page reads it again."
        >
          <ul className="divide-y divide-slate-200">
            {failed.map((job) => {
              const error = jobErrorColumn.read(job.error);
              return (
                <li key={job.id} className="py-2 text-sm">
                  <Link
                    href={`/console/resources/${job.resource?.id}`}
                    className="font-medium text-brand-700 underline"
                  >
                    {job.resource?.name}
                  </Link>{" "}
                  <span className="text-slate-600">({job.resource?.customer?.name ?? "unassigned"})</span>
                  {error && <JobError error={error} />}
                </li>
              );
            })}
          </ul>
        </Card>
      )}
      <Card title="Latest outcomes" description="The twenty resources most recently changed.">
        {recent.length === 0 ? (
          <p className="text-sm text-slate-600">No job yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {recent.map((job) => (
              <li key={job.id} className="flex flex-wrap items-center gap-2 py-1.5 text-sm">
                <Link href={`/console/resources/${job.resource?.id}`} className="text-brand-700 underline">
                  {job.resource?.name}
                </Link>
                <JobStateBadge state={job.state} />
                <span className="text-xs text-slate-600">{formatDateTime(job.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
