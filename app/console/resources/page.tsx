import type { Metadata } from "next";
import { CustomerPicker } from "@/components/customer-picker";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { FilterForm, SearchField, SelectField } from "@/components/ui/filter-form";
import { Pager } from "@/components/ui/pager";
import { Table, Td } from "@/components/ui/table";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getCustomerName } from "@/lib/customers/find-customers";
import { getDb } from "@/lib/db/client";
import { pageRequestFrom } from "@/lib/db/keyset";
import { CmkState, ResourceKind } from "@/lib/generated/prisma/enums";
import { findResources, resourceFiltersSchema, type ResourceRow } from "@/lib/resources/find-resources";
import { AddResourceForm, DiscoverButton } from "./inventory-controls";
import { type ResourceListRow, ResourceRows } from "./resource-rows";

export const metadata: Metadata = { title: "Resources" };

const KIND: Record<ResourceKind, string> = {
  STORAGE_ACCOUNT: "Storage account",
  COSMOS_DB_ACCOUNT: "Cosmos DB account",
  DISK_ENCRYPTION_SET: "Disk encryption set",
  SQL_SERVER: "SQL server",
  SQL_DATABASE: "SQL database",
};

const STATE_WORDS: Record<CmkState, string> = {
  MICROSOFT_MANAGED: "Microsoft-managed key",
  PENDING: "Pending",
  APPLYING: "Applying",
  APPLIED: "Customer key applied",
  DRIFTED: "Drifted",
  FAILED: "Failed",
  REVERTING: "Reverting",
};

const UNASSIGNED = { id: "none", name: "Unassigned" };

/** A row's data in words, with only the fields it shows (see ResourceRows). */
function toListRow(r: ResourceRow): ResourceListRow {
  const running = r.jobState !== null && r.jobState !== "SUCCEEDED" && r.jobState !== "FAILED";
  const about = `${r.kind === "SQL_DATABASE" ? `SQL database on server ${r.name.split("/")[0]}` : KIND[r.kind]} · ${r.resourceGroup} · ${r.region}`;
  return {
    id: r.id,
    name: r.name,
    about,
    ...(r.customerId && { customerId: r.customerId }),
    ...(r.customerName && { customerName: r.customerName }),
    state: r.cmkState,
    ...(r.appliedKeyVersion && { keyVersion: r.appliedKeyVersion.slice(0, 8) }),
    ...(r.observedDetail && { observed: r.observedDetail }),
    ...(r.jobState && {
      job: {
        state: r.jobState,
        ...(running &&
          r.jobProgress?.of && {
            progress: `Step ${r.jobProgress.step} of ${r.jobProgress.of}: ${r.jobProgress.description}`,
          }),
        ...(r.jobError?.what &&
          r.jobState !== "SUCCEEDED" && {
            error: { what: r.jobError.what, todo: r.jobError.todo, code: r.jobError.code },
          }),
      },
    }),
  };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function ResourcesPage(props: { searchParams: SearchParams }) {
  const session = await requireOperatorPage();
  const canWrite = hasRole(session, WRITE_ROLES);
  const params = await props.searchParams;
  const filters = resourceFiltersSchema.parse({
    q: single(params.q),
    state: single(params.state) || undefined,
    service: single(params.service) || undefined,
    customer: single(params.customer) || undefined,
    subscription: single(params.subscription)?.trim() || undefined,
  });
  const db = getDb();
  const [page, customerName] = await Promise.all([
    findResources(db, {
      filters,
      page: pageRequestFrom({ after: single(params.after), before: single(params.before) }),
    }),
    filters.customer && filters.customer !== "none" ? getCustomerName(db, filters.customer) : null,
  ]);
  const busy = page.rows.some(
    (r) => r.jobState && ["QUEUED", "RUNNING", "WAITING_ON_AZURE"].includes(r.jobState),
  );
  const chosenCustomer =
    filters.customer === "none"
      ? UNASSIGNED
      : filters.customer && customerName
        ? { id: filters.customer, name: customerName }
        : null;
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
      <FilterForm path="/console/resources" label="Search resources">
        <SearchField
          label="Search"
          defaultValue={filters.q}
          placeholder="Name, ARM resource ID or subscription ID"
        />
        <SelectField
          label="Service"
          name="service"
          defaultValue={filters.service}
          options={Object.values(ResourceKind).map((k) => ({ value: k, label: KIND[k] }))}
        />
        <SelectField
          label="Encryption"
          name="state"
          defaultValue={filters.state}
          options={Object.values(CmkState).map((s) => ({ value: s, label: STATE_WORDS[s] }))}
        />
        <CustomerPicker
          label="Customer"
          name="customer"
          initial={chosenCustomer}
          verifiedKeyOnly={false}
          extraOption={UNASSIGNED}
        />
        <label className="flex w-full flex-col text-sm text-slate-700 sm:w-80">
          Subscription ID
          <input
            name="subscription"
            defaultValue={filters.subscription}
            pattern="[0-9a-fA-F\-]{36}"
            spellCheck={false}
            className="mt-1 w-full rounded-md border border-slate-300 bg-white px-2.5 py-2 font-mono text-xs"
          />
        </label>
      </FilterForm>
      <Pager
        page={page}
        path="/console/resources"
        params={{ ...filters, customer: filters.customer }}
        noun="resources"
      />
      <Table
        caption="ISV resources and their encryption, by name"
        head={[
          "Resource",
          "Customer",
          "Encryption",
          "Latest job",
          <span key="a" className="sr-only">
            Actions
          </span>,
        ]}
      >
        <ResourceRows rows={page.rows.map(toListRow)} canWrite={canWrite} />
        {page.rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">
              {Object.values(filters).some(Boolean)
                ? "No resources match this search."
                : "No resources yet. Discover them from Azure or add one by its resource ID."}
            </Td>
          </tr>
        )}
      </Table>
    </div>
  );
}
