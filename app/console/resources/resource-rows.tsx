"use client";

import Link from "next/link";
import { CmkStateBadge, JobStateBadge } from "@/components/cmk-state-badge";
import type { CmkState, JobState } from "@/lib/generated/prisma/enums";
import { ResourceActions } from "./resource-actions";

/**
 * One resource as its row shows it, every text already worded on the server. Fields a row does not show are
 * left out rather than sent as null.
 */
export type ResourceListRow = {
  id: string;
  name: string;
  /** "Storage account · rg-prod · westeurope". */
  about: string;
  customerId?: string;
  customerName?: string;
  state: CmkState;
  keyVersion?: string;
  observed?: string;
  job?: { state: JobState; progress?: string; error?: { what: string; todo: string; code: string } };
};

/**
 * The resource list's rows. Each row carries its own controls (assign, review the plan, re-check), so this
 * is a client component fed with the rows' data: rendered on the server, the same rows would reach the
 * browser twice, as HTML and again as their element tree in the inline RSC payload, about twice the weight
 * of the data. The HTML is the same either way.
 */
export function ResourceRows({ rows, canWrite }: { rows: ResourceListRow[]; canWrite: boolean }) {
  return rows.map((r) => (
    <tr key={r.id} data-resource={r.name} data-state={r.state}>
      <td>
        <p className="font-medium break-all">
          <Link href={`/console/resources/${r.id}`} className="text-brand-700 underline">
            {r.name}
          </Link>
        </p>
        <p className="text-xs text-slate-600">{r.about}</p>
      </td>
      <td className="text-sm">{r.customerName ?? <span className="text-slate-500">unassigned</span>}</td>
      <td>
        <CmkStateBadge state={r.state} />
        {r.keyVersion && <p className="mt-1 font-mono text-[11px] text-slate-600">version {r.keyVersion}…</p>}
        {r.observed && <p className="mt-1 max-w-72 text-[11px] wrap-anywhere text-slate-600">{r.observed}</p>}
      </td>
      <td className="max-w-64 text-xs">
        {r.job ? (
          <div aria-live="polite">
            <JobStateBadge state={r.job.state} />
            {r.job.progress && <p className="mt-1 text-slate-600">{r.job.progress}</p>}
            {r.job.error && (
              <p className="mt-1 text-red-800">
                {r.job.error.what} <span className="text-slate-700">{r.job.error.todo}</span>{" "}
                <span className="font-mono text-slate-600">({r.job.error.code})</span>
              </p>
            )}
          </div>
        ) : (
          <span className="text-slate-500">—</span>
        )}
      </td>
      <td>
        {canWrite && (
          <ResourceActions
            resourceId={r.id}
            resourceName={r.name}
            customerId={r.customerId ?? null}
            state={r.state}
          />
        )}
      </td>
    </tr>
  ));
}
