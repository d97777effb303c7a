import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { auditStreamOf } from "@/lib/audit/audit-chain";
import { verifyAuditStream } from "@/lib/audit/verify-audit-chain";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** Every fact an auditor of one customer asks the ISV for, as plain JSON. */
export type EvidencePack = Awaited<ReturnType<typeof buildEvidencePack>>;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const BATCH = 1000;

/** Which audit events answer which question. */
const SECTIONS = {
  consent: /^(consent\.|customer\.signed_in|customer\.returned)/,
  verification: /^key\.|^health\./,
  operations: /^(cmk\.|job\.|approval\.|rotation\.|revert\.|key\.(rotat|chang))/,
} as const;

/**
 * The evidence for one customer, from the database alone: consent (who, when, the service principal proved
 * by token), every key and version with dates, every verification and health result, the resources using
 * the key and since when, every operation with requester, approver and reason, and the head of the
 * customer's audit chain, whose hashes anchor it all. Reads are scoped to the customer.
 */
export async function buildEvidencePack(db: Db, customerId: string, now = new Date()) {
  const customer = await db.customer.findUnique({ where: { id: customerId } });
  if (!customer) throw new AppError("NOT_FOUND", "This customer does not exist.");
  const [onboardings, keys, resources, events, chain] = await Promise.all([
    db.tenantOnboarding.findMany({ where: { customerId }, orderBy: { createdAt: "asc" } }),
    db.customerKey.findMany({ where: { customerId }, orderBy: { createdAt: "asc" } }),
    db.isvResource.findMany({
      where: { customerId },
      orderBy: { armIdKey: "asc" },
      include: { appliedKey: true },
    }),
    readCustomerEvents(db, customerId),
    verifyAuditStream(db, auditStreamOf(customerId)),
  ]);
  const pick = (re: RegExp) => events.filter((e) => re.test(e.action)).map(eventFacts);
  const consentEvents = events.filter((e) => e.action === "consent.granted");
  return {
    type: "crosskey.evidence-pack",
    version: 1,
    generatedAt: now.toISOString(),
    isv: { name: getEnv().ISV_NAME, tenantId: getEnv().ISV_TENANT_ID, cmkAppId: getEnv().CMK_APP_CLIENT_ID },
    customer: { id: customer.id, name: customer.name, createdAt: iso(customer.createdAt) },
    consent: onboardings.map((o) => {
      const granted = consentEvents.filter((e) => e.onboardingId === o.id).at(-1);
      return {
        onboardingId: o.id,
        tenantId: o.tenantId,
        tenantName: o.tenantDisplayName,
        tenantDomain: o.tenantDomain,
        state: o.state,
        consentedAt: iso(o.consentedAt),
        consentedBy: granted?.actorId ?? o.signedInUserUpn,
        servicePrincipalObjectId: o.servicePrincipalObjectId,
        provedBy: o.servicePrincipalObjectId
          ? "a token for the ISV app acquired in the customer's tenant (its oid claim)"
          : null,
      };
    }),
    keys: keys.map((k) => ({
      id: k.id,
      keyUri: k.keyUri,
      vault: k.vaultHost,
      keyName: k.keyName,
      pinnedVersion: k.keyVersion,
      status: k.status,
      submittedBy: k.submittedBy,
      submittedAt: iso(k.createdAt),
      keyType: k.keyType,
      keySize: k.keySize,
      expiresAt: iso(k.expiresAt),
      verificationStatus: k.verificationStatus,
      lastVerifiedAt: iso(k.lastVerifiedAt),
      versionsUsed: versionsUsed(k.id, k.verifiedVersion, k.lastVerifiedAt, resources),
    })),
    verifications: pick(SECTIONS.verification),
    resources: resources.map((r) => ({
      armId: r.armId,
      kind: r.kind,
      region: r.region,
      state: r.cmkState,
      keyUri: r.appliedKey?.keyUri ?? null,
      keyVersion: r.appliedKeyVersion,
      since: r.cmkStateChangedAt.toISOString(),
    })),
    operations: pick(SECTIONS.operations),
    consentEvents: pick(SECTIONS.consent),
    auditChain: {
      stream: auditStreamOf(customerId),
      events: chain.checked,
      headSeq: chain.head?.seq ?? 0,
      headHash: chain.head?.hash ?? null,
      intact: !chain.firstBreak,
      firstBreak: chain.firstBreak
        ? { id: chain.firstBreak.id.toString(), reason: chain.firstBreak.reason }
        : null,
    },
  };
}

/** The customer's whole audit stream, in batches (a pack is a complete record by design). */
async function readCustomerEvents(db: Db, customerId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after = 0n;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { customerId, id: { gt: after } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    events.push(...rows);
    if (rows.length < BATCH) return events;
    after = rows.at(-1)!.id;
  }
}

function eventFacts(e: AuditEvent) {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    auditId: e.id.toString(),
    at: e.occurredAt.toISOString(),
    action: e.action,
    outcome: e.outcome,
    actor: e.actorId,
    actorRole: e.actorRole,
    target: e.targetId,
    requestedBy: text(d.requestedBy) ?? e.actorId,
    approvedBy: text(d.approvedBy),
    reason: text(d.reason),
    details: e.details,
    hash: e.hash,
  };
}

function versionsUsed(
  keyId: string,
  verifiedVersion: string | null,
  lastVerifiedAt: Date | null,
  resources: {
    appliedKeyId: string | null;
    appliedKeyVersion: string | null;
    armId: string;
    cmkStateChangedAt: Date;
  }[],
) {
  const versions = new Map<
    string,
    { version: string; verifiedAt: string | null; appliedTo: { armId: string; since: string }[] }
  >();
  const entry = (v: string) =>
    versions.get(v) ?? versions.set(v, { version: v, verifiedAt: null, appliedTo: [] }).get(v)!;
  if (verifiedVersion) entry(verifiedVersion).verifiedAt = iso(lastVerifiedAt);
  for (const r of resources) {
    if (r.appliedKeyId === keyId && r.appliedKeyVersion) {
      entry(r.appliedKeyVersion).appliedTo.push({ armId: r.armId, since: r.cmkStateChangedAt.toISOString() });
    }
  }
  return [...versions.values()];
}
