import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { CustomerSession } from "@/lib/auth/session";
import { verificationColumn } from "./key-columns";
import { findingsSchema } from "@/lib/key-health/findings";
import { findHandoverHistory, getKeyHandover } from "./handover-status";
import { openInvite } from "./open-invite";

/**
 * Everything the customer's page shows. Without a session for *this* onboarding, only what the invite
 * link itself may reveal (who asks, for which customer) is returned: another customer's session reads nothing.
 */
export async function getCustomerView(db: Db, token: string, session: CustomerSession | null) {
  const { invite, customer, onboarding } = await openInvite(db, token);
  const mine =
    session !== null &&
    session.onboardingId === onboarding.id &&
    (onboarding.tenantId === null || onboarding.tenantId === session.tid);
  const base = {
    customerName: customer.name,
    services: invite.services,
    pinnedTenant: invite.pinnedTenant,
    expiresAt: invite.expiresAt,
    state: onboarding.state,
  };
  if (!mine) return { ...base, signedIn: false as const };
  const key = await db.customerKey.findFirst({
    where: { onboardingId: onboarding.id, tenantId: session.tid, status: "ACTIVE" },
    orderBy: { createdAt: "desc" },
  });
  // The key's health timeline (newest 30 checks), shown to the customer as to the ISV.
  const timeline = key
    ? (
        await db.keyHealthCheck.findMany({
          where: { keyId: key.id, customerId: key.customerId },
          orderBy: { checkedAt: "desc" },
          take: 30,
          select: { checkedAt: true, health: true },
        })
      ).reverse()
    : [];
  const findings = findingsSchema.safeParse(key?.healthFindings ?? []);
  // What of the customer's data the ISV protects with the customer's keys: counts by service and key version
  // (an aggregate of this customer's resources only), and since when.
  const encryptedGroups = (
    await db.isvResource.groupBy({
      by: ["kind", "appliedKeyId", "appliedKeyVersion"],
      where: {
        customerId: customer.id,
        cmkState: { in: ["APPLIED", "DRIFTED"] },
        appliedKeyId: { not: null },
      },
      _count: { _all: true },
      _min: { cmkStateChangedAt: true },
    })
  ).map((g) => ({
    kind: g.kind,
    keyId: g.appliedKeyId,
    keyVersion: g.appliedKeyVersion,
    count: g._count._all,
    since: g._min.cmkStateChangedAt,
  }));
  // Which key each group uses, by its vault and name: after a hand-over, the old key and the new one side by side.
  const keyIds = [...new Set(encryptedGroups.flatMap((g) => (g.keyId ? [g.keyId] : [])))];
  const keyNames = new Map(
    (
      await db.customerKey.findMany({
        where: { id: { in: keyIds }, customerId: customer.id },
        select: { id: true, vaultHost: true, keyName: true },
      })
    ).map((k) => [k.id, `${k.vaultHost.split(".")[0]}/${k.keyName}`]),
  );
  const encrypted = encryptedGroups.map((g) => ({
    ...g,
    keyName: g.keyId ? keyNames.get(g.keyId) : undefined,
  }));
  // The replacement key the customer handed over last, if any, and how far the ISV got with it.
  const handover = await getKeyHandover(db, {
    onboardingId: onboarding.id,
    tenantId: session.tid,
    customerId: customer.id,
  });
  const handoverHistory = handover ? await findHandoverHistory(db, onboarding.id) : [];
  return {
    ...base,
    signedIn: true as const,
    handover,
    handoverHistory,
    session: { upn: session.upn, name: session.name, tenantId: session.tid },
    servicePrincipalObjectId: onboarding.servicePrincipalObjectId,
    consentedAt: onboarding.consentedAt,
    encrypted,
    key: key && {
      id: key.id,
      uri: key.keyUri,
      vaultKind: key.vaultKind,
      vaultHost: key.vaultHost,
      keyName: key.keyName,
      keyVersion: key.keyVersion,
      status: key.verificationStatus,
      verification: verificationColumn.read(key.verification),
      createdAt: key.createdAt,
      keyType: key.keyType,
      keySize: key.keySize,
      keyEnabled: key.keyEnabled,
      expiresAt: key.expiresAt,
      recoveryLevel: key.recoveryLevel,
      health: key.health,
      healthCheckedAt: key.healthCheckedAt,
      findings: findings.success ? findings.data : [],
      timeline,
    },
  };
}

export type CustomerView = Awaited<ReturnType<typeof getCustomerView>>;
export type SignedInView = Extract<CustomerView, { signedIn: true }>;
