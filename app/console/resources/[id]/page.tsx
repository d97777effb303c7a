import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { JobError } from "@/components/job-error";
import { CmkStateBadge, JobStateBadge } from "@/components/cmk-state-badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getCmkModule } from "@/lib/cmk";
import { getDb } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format-date";
import { FINISHED_JOB_STATES } from "@/lib/jobs/job-state";
import { jobErrorColumn, jobProgressColumn } from "@/lib/jobs/job-columns";
import {
  findResourceJobs,
  findResourceTimeline,
  getResourceDetail,
} from "@/lib/resources/get-resource-detail";
import { Timeline } from "../../onboardings/[id]/timeline";
import { OperationsPanel } from "./operations-panel";

type Props = { params: Promise<{ id: string }> };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const loadResource = cache(async (id: string) => (GUID.test(id) ? getResourceDetail(getDb(), id) : null));

const KIND_WORDS: Record<string, string> = {
  APPLY_CMK: "Apply key",
  ROTATE_KEY: "Rotate",
  CHANGE_KEY: "Change key",
  REVERT_CMK: "Revert",
  RECHECK_RESOURCE: "Re-check",
  VERIFY_KEY: "Verify key",
};

export async function generateMetadata(props: Props): Promise<Metadata> {
  await requireOperatorPage();
  const resource = await loadResource((await props.params).id);
  return { title: resource ? `${resource.name} · Resource` : "Resource not found" };
}

export default async function ResourcePage(props: Props) {
  const session = await requireOperatorPage();
  const resource = await loadResource((await props.params).id);
  if (!resource) notFound();
  const db = getDb();
  const jobs = await findResourceJobs(db, resource.id);
  const timeline = await findResourceTimeline(db, { armId: resource.armId, jobIds: jobs.map((j) => j.id) });
  const active = jobs.find((j) => !FINISHED_JOB_STATES.includes(j.state));
  const running = active && active.state !== "AWAITING_APPROVAL" && active.state !== "PAUSED";
  const service = getCmkModule(resource.kind).label;
  return (
    <div className="space-y-6">
      {running && <AutoRefresh seconds={2} />}
      <p className="text-sm">
        <Link href="/console/resources" className="text-brand-700 underline">
          Resources
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold break-all text-slate-900">{resource.name}</h1>
        <span data-testid="cmk-state" data-state={resource.cmkState}>
          <CmkStateBadge state={resource.cmkState} />
        </span>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Encryption">
          <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[9rem_1fr]">
            <dt className="text-slate-500">Service</dt>
            <dd>
              {service} · {resource.resourceGroup} · {resource.region}
            </dd>
            <dt className="text-slate-500">Customer</dt>
            <dd>{resource.customer?.name ?? "unassigned"}</dd>
            <dt className="text-slate-500">Key</dt>
            <dd className="font-mono text-xs break-all">
              {resource.appliedKey?.keyUri ?? "Microsoft-managed keys"}
            </dd>
            <dt className="text-slate-500">Version in use</dt>
            <dd className="font-mono text-xs break-all" data-testid="key-version">
              {resource.appliedKeyVersion ?? "—"}
            </dd>
            {resource.appliedKey?.latestVersion &&
              resource.appliedKey.latestVersion !== resource.appliedKeyVersion && (
                <>
                  <dt className="text-slate-500">Newest version</dt>
                  <dd className="font-mono text-xs break-all">
                    <span data-testid="latest-version">{resource.appliedKey.latestVersion}</span>{" "}
                    <span className="font-sans text-slate-600">(as the key health monitor last read it)</span>
                  </dd>
                </>
              )}
            <dt className="text-slate-500">Since</dt>
            <dd>{formatDateTime(resource.cmkStateChangedAt)}</dd>
            <dt className="text-slate-500">Last read from Azure</dt>
            <dd>{resource.lastReadAt ? formatDateTime(resource.lastReadAt) : "not yet"}</dd>
            <dt className="text-slate-500">ARM resource ID</dt>
            <dd className="font-mono text-xs break-all">{resource.armId}</dd>
          </dl>
        </Card>
        <Card
          title="Operations"
          description={
            hasRole(session, WRITE_ROLES)
              ? "Every operation shows its blast radius first; moving to another customer's key needs an Admin's approval."
              : "As Support you request an operation with a reason; an Admin approves it before anything is written."
          }
        >
          {active ? (
            <p role="status" className="text-sm text-slate-700" data-testid="active-operation">
              {KIND_WORDS[active.kind] ?? active.kind} is {active.state.toLowerCase().replaceAll("_", " ")}
              {active.state === "AWAITING_APPROVAL" && (
                <>
                  {" "}
                  (
                  <Link href="/console/approvals" className="text-brand-700 underline">
                    Approvals
                  </Link>
                  )
                </>
              )}
              ; the next operation can be asked for once it has finished.
            </p>
          ) : (
            <OperationsPanel
              resourceId={resource.id}
              resourceName={resource.name}
              customerName={resource.customer?.name ?? null}
              canRun={hasRole(session, WRITE_ROLES)}
            />
          )}
        </Card>
      </div>
      <Card title="Operations and jobs" description="The latest ten, newest first.">
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-600">No job has run on this resource yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {jobs.map((job) => {
              const progress = jobProgressColumn.read(job.progress);
              const error = jobErrorColumn.read(job.error);
              return (
                <li key={job.id} className="py-3 text-sm" data-job-kind={job.kind} data-job-state={job.state}>
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium text-slate-900">{KIND_WORDS[job.kind] ?? job.kind}</span>
                    <JobStateBadge state={job.state} />
                    <span className="text-xs text-slate-600">{formatDateTime(job.createdAt)}</span>
                  </div>
                  <p className="mt-1 text-slate-700">
                    Requested by {job.requestedBy}
                    {job.approvedBy && <>, approved by {job.approvedBy}</>}
                    {job.reason && <>: &ldquo;{job.reason}&rdquo;</>}
                  </p>
                  {progress && !FINISHED_JOB_STATES.includes(job.state) && (
                    <p className="text-slate-600">
                      Step {progress.step} of {progress.of}: {progress.description}
                    </p>
                  )}
                  {error && job.state !== "SUCCEEDED" && <JobError error={error} />}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title="Audit timeline" description="This resource's events and its jobs', newest first.">
        <Timeline events={timeline} />
      </Card>
    </div>
  );
}
