import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { OnboardingState } from "@/lib/generated/prisma/enums";

/** The console's onboarding list, newest activity first, with counts per state for the funnel. */
export async function listOnboardings(db: Db, options: { state?: OnboardingState; take?: number } = {}) {
  const [rows, counts] = await Promise.all([
    db.tenantOnboarding.findMany({
      where: options.state ? { state: options.state } : undefined,
      orderBy: { stateChangedAt: "desc" },
      take: options.take ?? 200,
      include: {
        customer: { select: { name: true } },
        invite: { select: { expiresAt: true, revokedAt: true, pinnedTenant: true } },
        keys: { where: { status: "ACTIVE" }, select: { verificationStatus: true, keyUri: true }, take: 1 },
      },
    }),
    db.tenantOnboarding.groupBy({ by: ["state"], _count: { _all: true } }),
  ]);
  return {
    rows,
    counts: Object.fromEntries(counts.map((c) => [c.state, c._count._all])) as Partial<
      Record<OnboardingState, number>
    >,
  };
}

/** One onboarding with its invite, keys and full audit timeline. */
export async function getOnboardingDetail(db: Db, id: string) {
  const onboarding = await db.tenantOnboarding.findUnique({
    where: { id },
    include: { customer: true, invite: true, keys: { orderBy: { createdAt: "desc" } } },
  });
  if (!onboarding) return null;
  const timeline = await db.auditEvent.findMany({
    where: { onboardingId: id },
    orderBy: { id: "asc" },
    take: 500,
  });
  return { onboarding, timeline };
}
