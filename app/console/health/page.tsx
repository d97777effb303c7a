import type { Metadata } from "next";
import Link from "next/link";
import { KeyHealthBadge } from "@/components/key-health-badge";
import { Table, Td } from "@/components/ui/table";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import type { KeyHealth } from "@/lib/generated/prisma/enums";
import { findKeyHealth, keyHealthFilter } from "@/lib/key-health/list-key-health";

export const metadata: Metadata = { title: "Key health" };

const LEVELS: { health: KeyHealth; label: string; tone: string }[] = [
  { health: "UNREACHABLE", label: "Unreachable", tone: "text-red-700" },
  { health: "WARNING", label: "Needs attention", tone: "text-amber-800" },
  { health: "HEALTHY", label: "Healthy", tone: "text-emerald-800" },
  { health: "UNKNOWN", label: "Not checked yet", tone: "text-slate-700" },
];

export default async function KeyHealthPage(props: { searchParams: Promise<Record<string, string>> }) {
  await requireOperatorPage();
  const filter = keyHealthFilter.parse(await props.searchParams);
  const { rows, next, counts } = await findKeyHealth(getDb(), filter);
  const link = (over: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ health: filter.health, q: filter.q, ...over }))
      if (v) params.set(k, v);
    const qs = params.toString();
    return `/console/health${qs ? `?${qs}` : ""}`;
  };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold text-slate-900">Key health</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every verified customer key, checked on a schedule through the same path Azure services take, most
          urgent first: unreachable, then needing attention; within each, the soonest expiry and the largest
          rotation lag first.
        </p>
      </div>
      <nav aria-label="Filter by health" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {LEVELS.map((l) => (
          <Link
            key={l.health}
            href={link({ health: filter.health === l.health ? undefined : l.health, cursor: undefined })}
            aria-current={filter.health === l.health ? "true" : undefined}
            className={`rounded-lg bg-white p-3 ring-1 hover:ring-brand-500 ${filter.health === l.health ? "ring-2 ring-brand-600" : "ring-slate-200"}`}
          >
            <span className={`block text-xs ${l.tone}`}>{l.label}</span>
            <span className="text-2xl font-semibold text-slate-900">{counts[l.health] ?? 0}</span>
          </Link>
        ))}
      </nav>
      <form method="get" action="/console/health" className="flex flex-wrap items-end gap-2" role="search">
        {filter.health && <input type="hidden" name="health" value={filter.health} />}
        <label className="text-sm text-slate-700">
          <span className="block">Customer name starts with</span>
          <input
            name="q"
            defaultValue={filter.q ?? ""}
            maxLength={200}
            className="mt-1 w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          />
        </label>
        <button
          type="submit"
          className="rounded-md bg-white px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50"
        >
          Search
        </button>
        {(filter.q || filter.health) && (
          <Link href="/console/health" className="px-2 py-1.5 text-sm text-brand-700 hover:underline">
            Clear
          </Link>
        )}
      </form>
      <Table
        caption="Customer keys by health"
        head={["Customer", "Health", "What was found", "Key", "Resources", "Checked"]}
      >
        {rows.map((row) => {
          const top = row.findings.find((f) => f.severity !== "info") ?? row.findings[0];
          return (
            <tr key={row.id}>
              <Td>
                <Link
                  href={`/console/health/${row.id}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {row.customer.name}
                </Link>
              </Td>
              <Td>
                <KeyHealthBadge health={row.health} />
              </Td>
              <Td className="max-w-md text-xs">
                {top
                  ? top.summary
                  : row.health === "UNKNOWN"
                    ? "Waiting for the first check."
                    : "Every check passed."}
                {row.findings.length > 1 && (
                  <span className="text-slate-500"> (+{row.findings.length - 1} more)</span>
                )}
              </Td>
              <Td className="font-mono text-xs break-all">
                {row.vaultHost.split(".")[0]}/{row.keyName}
                {row.status === "SUPERSEDED" && (
                  <span className="block font-sans break-normal text-slate-600">
                    replaced; watched until its last resource moves
                  </span>
                )}
              </Td>
              <Td className="text-xs">
                {row._count.appliedTo}
                {row.rotationLag > 0 && (
                  <span className="block text-amber-800">{row.rotationLag} on an older version</span>
                )}
              </Td>
              <Td className="text-xs whitespace-nowrap">
                {row.healthCheckedAt
                  ? `${row.healthCheckedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`
                  : "—"}
              </Td>
            </tr>
          );
        })}
        {rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">No keys match.</Td>
          </tr>
        )}
      </Table>
      <nav aria-label="Pages" className="flex justify-end gap-3 text-sm">
        {filter.cursor && (
          <Link href={link({ cursor: undefined })} className="text-brand-700 hover:underline">
            First page
          </Link>
        )}
        {next && (
          <Link href={link({ cursor: next })} className="text-brand-700 hover:underline">
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}
