import type { Db } from "../../lib/db/create-db.ts";

/** What one simulated customer saw: the last step the app confirmed, and the step that failed, if any. */
export interface CustomerView {
  onboardingId: string;
  tenantId: string;
  vaultName: string;
  /** The furthest state the app told the customer they reached. */
  confirmed: "INVITED" | "SIGNED_IN" | "CONSENTED" | "KEY_SUBMITTED";
  failedStep?: string;
}

export interface ConsistencyReport {
  verified: number;
  /** Onboardings whose state does not match what the customer saw. */
  lost: string[];
  /** Onboardings whose audit trail does not lead, transition by transition, to their state. */
  brokenChains: string[];
  /** Rows that name another customer's tenant or vault. */
  crossTenant: string[];
}

const ORDER = ["INVITED", "SIGNED_IN", "CONSENTED", "KEY_SUBMITTED", "KEY_VERIFIED"];
/** A verified key moves on without the customer: APPLIED when a resource uses it, HEALTHY after a health check. */
const VERIFIED_OR_LATER = new Set(["KEY_VERIFIED", "APPLIED", "HEALTHY"]);

/**
 * Checks the database against what the customers saw: a confirmed step is recorded (the verification that
 * follows a submitted key may still finish, so KEY_VERIFIED or later matches a confirmed KEY_SUBMITTED), a failed step
 * changed nothing, every state is reached through audited transitions, and no row mixes tenants.
 */
export async function checkOnboardings(db: Db, views: CustomerView[]): Promise<ConsistencyReport> {
  const report: ConsistencyReport = { verified: 0, lost: [], brokenChains: [], crossTenant: [] };
  for (const view of views) {
    const onboarding = await db.tenantOnboarding.findUniqueOrThrow({ where: { id: view.onboardingId } });
    const verified = VERIFIED_OR_LATER.has(onboarding.state);
    if (verified) report.verified++;
    const reached = ORDER.indexOf(onboarding.state);
    const confirmed = ORDER.indexOf(view.confirmed);
    const matches = reached === confirmed || (view.confirmed === "KEY_SUBMITTED" && verified);
    if (!matches)
      report.lost.push(
        `${view.onboardingId}: customer saw ${view.confirmed}${view.failedStep ? ` then "${view.failedStep}" failed` : ""}, database says ${onboarding.state}`,
      );

    // Only the onboarding's own transitions: other events of the onboarding (a key's health going from UNKNOWN
    // to HEALTHY, a resource's apply) carry from/to of their own state machines.
    const transitions = await db.auditEvent.findMany({
      where: { onboardingId: view.onboardingId, targetType: "onboarding" },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      select: { action: true, details: true },
    });
    let state = "INVITED";
    for (const t of transitions) {
      const d = t.details as { from?: string; to?: string } | null;
      if (!d?.to || d.from === undefined) continue;
      if (d.from !== state && !(d.from === d.to && d.to === state)) {
        report.brokenChains.push(
          `${view.onboardingId}: ${t.action} from ${d.from}, but the trail was at ${state}`,
        );
        break;
      }
      state = d.to;
    }
    if (state !== onboarding.state && !report.brokenChains.some((b) => b.startsWith(view.onboardingId)))
      report.brokenChains.push(
        `${view.onboardingId}: the trail ends at ${state}, the row says ${onboarding.state}`,
      );

    if (onboarding.tenantId && onboarding.tenantId !== view.tenantId)
      report.crossTenant.push(
        `${view.onboardingId}: tenant ${onboarding.tenantId}, customer signed in to ${view.tenantId}`,
      );
    const keys = await db.customerKey.findMany({ where: { onboardingId: view.onboardingId } });
    for (const key of keys)
      if (key.tenantId !== view.tenantId || !key.keyUri.includes(`//${view.vaultName}.`))
        report.crossTenant.push(`${view.onboardingId}: key ${key.keyUri} of tenant ${key.tenantId}`);
  }
  return report;
}
