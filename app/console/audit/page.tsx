import type { Metadata } from "next";
import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import {
  auditCursorSchema,
  auditFilterSchema,
  findAuditEvents,
  type AuditFilter,
} from "@/lib/audit/find-audit-events";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit log" };

type Search = Record<string, string | string[] | undefined>;

const FIELDS: { name: keyof AuditFilter; label: string; placeholder?: string; type?: string }[] = [
  { name: "customer", label: "Customer ID", placeholder: "any customer" },
  { name: "actor", label: "Actor", placeholder: "UPN, object ID or crosskey" },
  { name: "action", label: "Action (or its start)", placeholder: "e.g. key. or invite.created" },
  { name: "resource", label: "Resource ID", placeholder: "ARM ID, onboarding, invite…" },
  { name: "from", label: "From (UTC)", type: "datetime-local" },
  { name: "to", label: "To (UTC)", type: "datetime-local" },
];

export default async function AuditPage(props: { searchParams: Promise<Search> }) {
  await requireOperatorPage();
  const search = Object.fromEntries(
    Object.entries(await props.searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  const filter = auditFilterSchema.safeParse(search);
  const cursor = auditCursorSchema.safeParse(search);
  const problems = [...(filter.error?.issues ?? []), ...(cursor.error?.issues ?? [])].map(
    (i) => `${String(i.path[0])}: ${i.message}`,
  );
  const page =
    filter.success && cursor.success
      ? await findAuditEvents(getDb(), { filter: filter.data, cursor: cursor.data })
      : undefined;
  const query = new URLSearchParams(
    Object.entries(filter.data ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const link = (extra: Record<string, string>) =>
    `/console/audit?${new URLSearchParams({ ...Object.fromEntries(query), ...extra })}`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold text-slate-900">Audit log</h1>
          <p className="text-sm text-slate-600">
            Every change Crosskey made or refused, for every customer, newest first. Each event is chained to
            the one before it; <code className="text-xs">npm run audit:verify</code> checks the chain.
          </p>
        </div>
        <ButtonLink variant="secondary" href={`/console/audit/export?${query}`} prefetch={false} download>
          Export CSV
        </ButtonLink>
      </div>

      <form
        method="get"
        action="/console/audit"
        className="grid grid-cols-1 gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-3 lg:grid-cols-6"
      >
        {FIELDS.map((f) => (
          <div key={f.name}>
            <label htmlFor={`filter-${f.name}`} className="block text-xs font-medium text-slate-700">
              {f.label}
            </label>
            <input
              id={`filter-${f.name}`}
              name={f.name}
              type={f.type ?? "text"}
              step={f.type ? 1 : undefined}
              defaultValue={search[f.name] ?? ""}
              placeholder={f.placeholder}
              spellCheck={false}
              className="mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-brand-600"
            />
          </div>
        ))}
        <div className="flex items-end gap-2 sm:col-span-3 lg:col-span-6">
          <button
            type="submit"
            className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Filter
          </button>
          <Link
            href="/console/audit"
            className="rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100"
          >
            Clear
          </Link>
        </div>
      </form>

      {problems.length > 0 && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
          These filters cannot be used: {problems.join("; ")}. Nothing was searched.
        </p>
      )}

      {page && (
        <>
          <Table
            caption="Audit events"
            head={["When (UTC)", "Customer", "Actor", "Action", "Target", "Details"]}
          >
            {page.events.map((e) => (
              <tr key={e.id.toString()} data-action={e.action}>
                <Td className="text-xs whitespace-nowrap">
                  {e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}
                  <p className="font-mono text-[11px] text-slate-500">#{e.id.toString()}</p>
                </Td>
                <Td className="text-xs">
                  {e.customerId ? (
                    <Link href={link({ customer: e.customerId })} className="text-brand-700 hover:underline">
                      {page.customerNames.get(e.customerId) ?? e.customerId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="text-slate-500">—</span>
                  )}
                </Td>
                <Td className="max-w-48 text-xs break-all">
                  <span className="text-slate-500">{e.actorType.toLowerCase()}</span> {e.actorId ?? ""}
                  {e.actorRole && <span className="text-slate-500"> ({e.actorRole})</span>}
                </Td>
                <Td className="text-xs">
                  <span className="font-mono">{e.action}</span>
                  {e.outcome !== "success" && (
                    <span className="ml-1">
                      <StatusBadge tone={e.outcome === "denied" ? "danger" : "warning"}>
                        {e.outcome}
                      </StatusBadge>
                    </span>
                  )}
                </Td>
                <Td className="max-w-64 text-xs break-all">
                  <span className="text-slate-500">{e.targetType}</span>{" "}
                  {e.targetId && (
                    <Link
                      href={link({ resource: e.targetId })}
                      className="font-mono text-brand-700 hover:underline"
                    >
                      {e.targetId}
                    </Link>
                  )}
                </Td>
                <Td className="max-w-80 font-mono text-[11px] break-all text-slate-600">
                  <Details value={e.details} />
                </Td>
              </tr>
            ))}
            {page.events.length === 0 && (
              <tr>
                <Td className="text-slate-500">No events match these filters.</Td>
              </tr>
            )}
          </Table>
          <nav aria-label="Audit pages" className="flex justify-between text-sm">
            {page.newerThan ? (
              <Link
                href={link({ after: page.newerThan.toString() })}
                className="text-brand-700 hover:underline"
              >
                ← Newer events
              </Link>
            ) : (
              <span />
            )}
            {page.olderThan && (
              <Link
                href={link({ before: page.olderThan.toString() })}
                className="text-brand-700 hover:underline"
              >
                Older events →
              </Link>
            )}
          </nav>
        </>
      )}
    </div>
  );
}

/** Short details in full; long ones folded, so one event cannot push the rest off the screen. */
function Details({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  if (text.length <= 160) return <>{text}</>;
  return (
    <details>
      <summary className="cursor-pointer">{text.slice(0, 120)}…</summary>
      {text}
    </details>
  );
}
