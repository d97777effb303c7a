import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { OnboardingStateBadge } from "@/components/onboarding-state-badge";
import { EvidenceLinks, EvidencePackButton } from "@/components/evidence-pack-button";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { hasRole, requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { findEvidencePacks } from "@/lib/evidence/create-evidence-pack";
import { generateEvidencePackAction } from "../../evidence/actions";
import { Pager } from "@/components/ui/pager";
import { pageRequestFrom } from "@/lib/db/keyset";
import { formatDateTime, formatDay } from "@/lib/format-date";
import { findTimeline, getOnboardingDetail } from "@/lib/onboarding/get-onboarding-detail";
import { InviteActions } from "./invite-actions";
import { Timeline } from "./timeline";

type Props = { params: Promise<{ id: string }> };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The title and the page read the same onboarding; cache() makes that one database read per request.
const loadOnboarding = cache(async (id: string) =>
  GUID.test(id) ? await getOnboardingDetail(getDb(), id) : null,
);

export async function generateMetadata(props: Props): Promise<Metadata> {
  await requireOperatorPage();
  const onboarding = await loadOnboarding((await props.params).id);
  return { title: onboarding ? `${onboarding.customer.name} · Onboarding` : "Onboarding not found" };
}

export default async function OnboardingDetailPage(props: Props & { searchParams: SearchParams }) {
  const session = await requireOperatorPage();
  const { id } = await props.params;
  const params = await props.searchParams;
  const onboarding = await loadOnboarding(id);
  if (!onboarding) notFound();
  const timeline = await findTimeline(getDb(), {
    onboardingId: id,
    page: pageRequestFrom({ after: single(params.after), before: single(params.before) }),
  });
  const packs = await findEvidencePacks(getDb(), onboarding.customerId);
  const invite = onboarding.invite;
  const now = new Date();
  const inviteState = invite.revokedAt ? "Revoked" : invite.expiresAt <= now ? "Expired" : "Active";
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold text-slate-900">{onboarding.customer.name}</h1>
        <OnboardingStateBadge state={onboarding.state} />
        <ButtonLink
          variant="secondary"
          href={`/console/operations?customer=${onboarding.customerId}`}
          className="ml-auto"
        >
          Operations on this customer&apos;s resources
        </ButtonLink>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Tenant">
          <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Tenant ID</dt>
            <dd className="font-mono text-xs break-all">{onboarding.tenantId ?? "not signed in yet"}</dd>
            <dt className="text-slate-500">Signed in as</dt>
            <dd className="break-all">{onboarding.signedInUserUpn ?? "—"}</dd>
            <dt className="text-slate-500">Consent</dt>
            <dd>
              {onboarding.consentedAt ? `granted ${formatDateTime(onboarding.consentedAt)}` : "not yet"}
            </dd>
            <dt className="text-slate-500">Service principal</dt>
            <dd className="font-mono text-xs break-all">{onboarding.servicePrincipalObjectId ?? "—"}</dd>
          </dl>
        </Card>
        <Card
          title="Invite link"
          actions={
            hasRole(session, WRITE_ROLES) && <InviteActions inviteId={invite.id} state={inviteState} />
          }
        >
          <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Status</dt>
            <dd data-testid="invite-status">{inviteState}</dd>
            <dt className="text-slate-500">Expires</dt>
            <dd>{formatDay(invite.expiresAt)}</dd>
            <dt className="text-slate-500">Pinned to</dt>
            <dd className="break-all">{invite.pinnedTenant ?? "any tenant"}</dd>
            <dt className="text-slate-500">Services</dt>
            <dd>{invite.services.map((s) => s.toLowerCase().replaceAll("_", " ")).join(", ") || "—"}</dd>
          </dl>
        </Card>
      </div>
      <Card title="Keys">
        {onboarding.keys.length === 0 ? (
          <p className="text-sm text-slate-500">No key submitted yet.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {onboarding.keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-baseline gap-x-3">
                <span className="font-mono text-xs break-all">{k.keyUri}</span>
                <span className="text-slate-600">
                  {k.status.toLowerCase()} · {k.verificationStatus.toLowerCase().replaceAll("_", " ")}
                  {k.keyType ? ` · ${k.keyType} ${k.keySize ?? ""}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card
        title="Evidence pack"
        description="Everything this customer's auditors ask for, as a PDF and a signed JSON. The customer can download it from their own page too."
        actions={
          <ButtonLink variant="ghost" href={`/console/audit?customer=${onboarding.customerId}`}>
            Audit log
          </ButtonLink>
        }
      >
        <EvidencePackButton
          generate={generateEvidencePackAction.bind(null, onboarding.customerId)}
          basePath="/console/evidence"
        />
        {packs.length > 0 && (
          <ul className="mt-4 space-y-2 border-t border-slate-100 pt-3 text-sm">
            {packs.map((p) => (
              <li key={p.id} className="flex flex-wrap items-baseline gap-x-3">
                <span className="text-slate-600">
                  {p.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC by {p.createdBy}
                </span>
                <EvidenceLinks basePath="/console/evidence" packId={p.id} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card
        title="Timeline"
        description="Every step, who took it, and when, newest first. Kept in the append-only audit log."
      >
        <div className="space-y-4">
          <Pager page={timeline} path={`/console/onboardings/${id}`} params={{}} noun="entries" />
          <Timeline events={timeline.rows} />
        </div>
      </Card>
    </div>
  );
}
