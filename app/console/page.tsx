import type { Metadata } from "next";
import Link from "next/link";
import { OnboardingStateBadge } from "@/components/onboarding-state-badge";
import { ButtonLink } from "@/components/ui/button";
import { Table, Td } from "@/components/ui/table";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { listOnboardings } from "@/lib/onboarding/list-onboardings";
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

export default async function ConsolePage() {
  await requireOperatorPage();
  const { rows, counts } = await listOnboardings(getDb());
  const now = new Date();
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold text-slate-900">Onboardings</h1>
        <ButtonLink href="/console/invites/new">Invite a customer</ButtonLink>
      </div>
      <section aria-label="Funnel" className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
        {FUNNEL.map((state) => (
          <div key={state} className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
            <p className="text-xs text-slate-500 capitalize">{describeState(state)}</p>
            <p className="text-2xl font-semibold text-slate-900">{counts[state] ?? 0}</p>
          </div>
        ))}
      </section>
      <Table
        caption="Customer onboardings"
        head={["Customer", "State", "Tenant", "Key", "Invite", "Last change"]}
      >
        {rows.map((row) => {
          const invite = row.invite.revokedAt
            ? "revoked"
            : row.invite.expiresAt <= now
              ? "expired"
              : `until ${row.invite.expiresAt.toISOString().slice(0, 10)}`;
          return (
            <tr key={row.id}>
              <Td>
                <Link
                  href={`/console/onboardings/${row.id}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {row.customer.name}
                </Link>
              </Td>
              <Td>
                <OnboardingStateBadge state={row.state} />
              </Td>
              <Td className="font-mono text-xs">{row.tenantId ?? row.invite.pinnedTenant ?? "—"}</Td>
              <Td className="text-xs">
                {row.keys[0] ? row.keys[0].verificationStatus.toLowerCase().replaceAll("_", " ") : "—"}
              </Td>
              <Td className="text-xs">{invite}</Td>
              <Td className="text-xs whitespace-nowrap">
                {row.stateChangedAt.toISOString().replace("T", " ").slice(0, 16)} UTC
              </Td>
            </tr>
          );
        })}
        {rows.length === 0 && (
          <tr>
            <Td className="text-slate-500">No customers yet. Invite one to start.</Td>
          </tr>
        )}
      </Table>
    </div>
  );
}
