import type { Metadata } from "next";
import Link from "next/link";
import { OnboardingStateBadge } from "@/components/onboarding-state-badge";
import { ButtonLink } from "@/components/ui/button";
import { FilterForm, SearchField, SelectField } from "@/components/ui/filter-form";
import { Pager } from "@/components/ui/pager";
import { Table, Td } from "@/components/ui/table";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { pageRequestFrom } from "@/lib/db/keyset";
import { formatCount, formatDateTime, formatDay } from "@/lib/format-date";
import { OnboardingState, VerificationStatus } from "@/lib/generated/prisma/enums";
import { findOnboardings, onboardingFiltersSchema } from "@/lib/onboarding/find-onboardings";
import { describeState } from "@/lib/onboarding/state-machine";

export const metadata: Metadata = { title: "Onboardings" };

const FUNNEL: OnboardingState[] = [
  "INVITED",
  "SIGNED_IN",
  "CONSENTED",
  "KEY_SUBMITTED",
  "KEY_VERIFIED",
  "APPLIED",
  "HEALTHY",
  "KEY_UNREACHABLE",
];

const KEY_WORDS: Record<VerificationStatus | "NONE", string> = {
  NONE: "no key yet",
  PENDING: "pending",
  VERIFYING: "verifying",
  WAITING_FOR_ROLE: "waiting for role",
  VERIFIED: "verified",
  FAILED: "failed",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function ConsolePage(props: { searchParams: SearchParams }) {
  await requireOperatorPage();
  const params = await props.searchParams;
  const filters = onboardingFiltersSchema.parse({
    q: single(params.q),
    state: single(params.state) || undefined,
    key: single(params.key) || undefined,
  });
  const { page, funnel } = await findOnboardings(getDb(), {
    filters,
    page: pageRequestFrom({ after: single(params.after), before: single(params.before) }),
  });
  const now = new Date();
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold text-slate-900">Onboardings</h1>
        <ButtonLink href="/console/invites/new">Invite a customer</ButtonLink>
      </div>
      <section aria-labelledby="funnel-heading">
        <h2 id="funnel-heading" className="sr-only">
          Funnel
        </h2>
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
          {FUNNEL.map((state) => (
            <li key={state}>
              <Link
                href={`/console?state=${state}`}
                aria-current={filters.state === state ? "true" : undefined}
                className={`block rounded-lg bg-white p-3 ring-1 hover:ring-brand-600 ${filters.state === state ? "ring-2 ring-brand-600" : "ring-slate-200"}`}
              >
                <span className="block text-xs text-slate-600 first-letter:uppercase">
                  {describeState(state)}
                </span>
                <span className="block text-2xl font-semibold text-slate-900">
                  {formatCount(funnel[state] ?? 0)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <FilterForm path="/console" label="Search onboardings">
        <SearchField
          label="Search"
          defaultValue={filters.q}
          placeholder="Customer name, tenant ID or domain, key vault host"
        />
        <SelectField
          label="State"
          name="state"
          defaultValue={filters.state}
          options={Object.values(OnboardingState).map((s) => ({ value: s, label: describeState(s) }))}
        />
        <SelectField
          label="Key"
          name="key"
          defaultValue={filters.key}
          options={Object.entries(KEY_WORDS).map(([value, label]) => ({ value, label }))}
        />
      </FilterForm>
      <Pager page={page} path="/console" params={filters} noun="onboardings" />
      <Table
        caption="Customer onboardings, newest activity first"
        head={["Customer", "State", "Tenant", "Key", "Invite", "Last change"]}
      >
        {page.rows.map((row) => {
          const invite = row.inviteRevokedAt
            ? "revoked"
            : row.inviteExpiresAt <= now
              ? "expired"
              : `until ${formatDay(row.inviteExpiresAt)}`;
          const tenant = row.tenantDomain ?? row.tenantId ?? row.pinnedTenant;
          return (
            <tr key={row.id} data-onboarding={row.customerName} data-state={row.state}>
              <Td>
                <Link href={`/console/onboardings/${row.id}`} className="link">
                  {row.customerName}
                </Link>
              </Td>
              <Td>
                <OnboardingStateBadge state={row.state} />
              </Td>
              <Td className="text-xs">
                {row.tenantDomain ? tenant : <span className="font-mono">{tenant ?? "—"}</span>}
                {row.tenantOnboardings > 1 && row.tenantId && (
                  <Link
                    href={`/console?q=${row.tenantId}`}
                    className="mt-1 block font-medium text-amber-800 hover:underline"
                  >
                    {row.tenantOnboardings} onboardings for this tenant
                  </Link>
                )}
              </Td>
              <Td className="text-xs">{KEY_WORDS[row.keyStatus ?? "NONE"]}</Td>
              <Td className="text-xs">{invite}</Td>
              <Td className="text-xs whitespace-nowrap">{formatDateTime(row.stateChangedAt)}</Td>
            </tr>
          );
        })}
        {page.rows.length === 0 && (
          <tr>
            <Td className="text-slate-600">
              {filters.q || filters.state || filters.key
                ? "No onboardings match this search."
                : "No customers yet. Invite one to start."}
            </Td>
          </tr>
        )}
      </Table>
    </div>
  );
}
