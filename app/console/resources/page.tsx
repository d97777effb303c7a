import type { Metadata } from "next";
import { CmkStateBadge, JobStateBadge } from "@/components/cmk-state-badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Table, Td } from "@/components/ui/table";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { listResources } from "@/lib/resources/list-resources";
import { AddResourceForm, DiscoverButton } from "./inventory-controls";
import { ResourceActions } from "./resource-actions";

export const metadata: Metadata = { title: "Resources" };

const KIND: Record<string, string> = {
  STORAGE_ACCOUNT: "Storage account",
  COSMOS_DB_ACCOUNT: "Cosmos DB account",
  DISK_ENCRYPTION_SET: "Disk encryption set",
  SQL_SERVER: "SQL server",
};

export default async function ResourcesPage() {
  const session = await requireOperatorPage();
  const canWrite = hasRole(session, WRITE_ROLES);
  const { resources, verifiedCustomers } = await listResources(getDb());
  const busy = resources.some(
    (r) => r.jobs[0] && ["QUEUED", "RUNNING", "WAITING_ON_AZURE"].includes(r.jobs[0].state),
  );
  return (
    <div className="space-y-6">
      {busy && <AutoRefresh seconds={2} />}
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold text-slate-900">Resources</h1>
          <p className="text-sm text-slate-600">
            Your Azure resources that can use a customer&apos;s key, and what each one uses now.
          </p>
        </div>
        {canWrite && <DiscoverButton />}
      </div>
      {canWrite && <AddResourceForm />}
      <Table
        caption="ISV resources and their encryption"
        head={[
          "Resource",
          "Region",
          "Customer",
          "Encryption",
          "Latest job",
          <span key="actions" className="sr-only">
            Actions
          </span>,
        ]}
      >
        {resources.map((r) => {
          const job = r.jobs[0];
          const progress = job?.progress;
          const error = job?.error;
          return (
            <tr key={r.id} data-resource={r.name} data-state={r.cmkState}>
              <Td>
                <p className="font-medium">{r.name}</p>
                <p className="text-xs text-slate-500">
                  {KIND[r.kind]} · {r.resourceGroup}
                </p>
              </Td>
              <Td className="text-xs">{r.region}</Td>
              <Td className="text-sm">
                {r.customer?.name ?? <span className="text-slate-500">unassigned</span>}
              </Td>
              <Td>
                <CmkStateBadge state={r.cmkState} />
                {r.appliedKeyVersion && (
                  <p className="mt-1 font-mono text-[11px] text-slate-500">
                    version {r.appliedKeyVersion.slice(0, 8)}…
                  </p>
                )}
              </Td>
              <Td className="max-w-xs text-xs">
                {job ? (
                  <div aria-live="polite">
                    <JobStateBadge state={job.state} />
                    {progress?.of && job.state !== "SUCCEEDED" && job.state !== "FAILED" && (
                      <p className="mt-1 text-slate-600">
                        Step {progress.step} of {progress.of}: {progress.description}
                      </p>
                    )}
                    {error?.what && job.state !== "SUCCEEDED" && (
                      <p className="mt-1 text-red-800">
                        {error.what} <span className="text-slate-700">{error.todo}</span>{" "}
                        <span className="font-mono text-slate-500">({error.code})</span>
                      </p>
                    )}
                  </div>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
              </Td>
              <Td>
                {canWrite && (
                  <ResourceActions
                    resourceId={r.id}
                    customerId={r.customerId}
                    customers={verifiedCustomers}
                    state={r.cmkState}
                  />
                )}
              </Td>
            </tr>
          );
        })}
        {resources.length === 0 && (
          <tr>
            <Td className="text-slate-500">
              No resources yet. Discover them from Azure or add one by its resource ID.
            </Td>
          </tr>
        )}
      </Table>
    </div>
  );
}
