import "server-only";
import type { Db, Tx } from "@/lib/db/create-db";
import type { KeyHealth, OnboardingState } from "@/lib/generated/prisma/enums";
import { recordAuditEvent, SYSTEM_ACTOR, type Actor } from "@/lib/audit/record-audit-event";
import { getEnv } from "@/lib/env";
import { decideNotification, type NotificationKind } from "@/lib/notifications/decide-notification";
import { raiseNotification } from "@/lib/notifications/raise-notification";
import { transitionOnboarding } from "@/lib/onboarding/state-machine";
import { setResourceState } from "@/lib/resources/resource-state";
import type { KeyHealthProbe } from "./check-key-health";
import { deriveKeyHealth, findingsSchema, type Finding } from "./findings";
import { WATCHED_KEY } from "./watched";

/** A timeline point is kept on every change of health, and otherwise at most this often per key. */
const TIMELINE_SAMPLE_MS = 6 * 3_600_000;

/**
 * Stores one health check in one transaction: the key's health and findings, a timeline point, the
 * onboarding's state (HEALTHY / KEY_UNREACHABLE follow reality, both ways, without an operator), resources
 * that drifted or came back, and at most one notification, each change with its audit event. Returns the
 * delivery IDs to queue after commit.
 */
export async function recordKeyHealth(
  db: Db,
  input: { keyId: string; probe: KeyHealthProbe; actor?: Actor; now?: Date; requestId?: string },
): Promise<{
  health: KeyHealth;
  findings: Finding[];
  notified: NotificationKind | null;
  deliveries: string[];
}> {
  const now = input.now ?? new Date();
  const actor = input.actor ?? SYSTEM_ACTOR;
  const env = getEnv();
  return db.$transaction(async (tx) => {
    // Only a watched key: the active one, or one it replaced while resources still use it (./watched.ts).
    const key = await tx.customerKey.findFirst({
      where: { id: input.keyId, ...WATCHED_KEY },
      include: { customer: { select: { name: true } }, onboarding: { select: { id: true, state: true } } },
    });
    if (!key) return { health: "UNKNOWN", findings: [], notified: null, deliveries: [] };
    const previous = findingsSchema.safeParse(key.healthFindings ?? []);
    const { verification, latestVersion, resources } = input.probe;
    const facts = verification.facts;
    const derived = deriveKeyHealth({
      key: { vaultKind: key.vaultKind, vaultHost: key.vaultHost, keyName: key.keyName },
      verification,
      latestVersion: latestVersion ?? key.latestVersion,
      resources: resources.flatMap((r) =>
        r.observed
          ? [
              {
                name: r.name,
                version: r.observed.keyVersion,
                state: r.observed.state,
                detail: r.observed.detail,
              },
            ]
          : [],
      ),
      previous: previous.success ? previous.data : [],
      lastSeenAt:
        key.health === "HEALTHY" || key.health === "WARNING" ? key.healthCheckedAt : key.lastVerifiedAt,
      recoverableDays: recoverableDaysOf(key.recoveryLevel),
      now,
    });
    const changed = derived.health !== key.health;
    await tx.customerKey.update({
      where: { id: key.id },
      data: {
        health: derived.health,
        healthCheckedAt: now,
        ...(changed && { healthChangedAt: now }),
        healthFindings: derived.findings,
        latestVersion: latestVersion ?? key.latestVersion,
        rotationLag: derived.findings.find((f) => f.code === "rotation_lag")?.resources?.length ?? 0,
        ...(facts && {
          keyEnabled: facts.enabled,
          expiresAt: facts.expiresAt ? new Date(facts.expiresAt) : null,
        }),
      },
    });
    const lastPoint = await tx.keyHealthCheck.findFirst({
      where: { keyId: key.id },
      orderBy: { checkedAt: "desc" },
      select: { checkedAt: true },
    });
    if (changed || !lastPoint || now.getTime() - lastPoint.checkedAt.getTime() >= TIMELINE_SAMPLE_MS) {
      await tx.keyHealthCheck.create({
        data: {
          keyId: key.id,
          customerId: key.customerId,
          checkedAt: now,
          health: derived.health,
          findings: derived.findings,
        },
      });
    }
    if (changed) {
      await recordAuditEvent(tx, {
        actor,
        action: "key.health_changed",
        targetType: "customer_key",
        targetId: key.id,
        customerId: key.customerId,
        onboardingId: key.onboardingId,
        outcome: derived.health === "UNREACHABLE" ? "failure" : "success",
        details: { from: key.health, to: derived.health, findings: derived.findings.map((f) => f.code) },
        requestId: input.requestId,
      });
    }
    await followOnboarding(tx, key, derived.health, derived.findings, actor, input.requestId);
    for (const r of resources) {
      if (!r.observed) continue;
      const to =
        r.observed.state === "APPLIED"
          ? "APPLIED"
          : r.observed.state === "DRIFTED" || r.observed.state === "FAILED"
            ? "DRIFTED"
            : null;
      if (!to || to === r.cmkState) continue;
      await setResourceState(tx, {
        resourceId: r.id,
        to,
        actor,
        action: to === "DRIFTED" ? "cmk.drift_detected" : "cmk.drift_resolved",
        outcome: to === "DRIFTED" ? "failure" : "success",
        data: { observed: { ...r.observed }, lastReadAt: now },
        details: { state: r.observed.state, detail: r.observed.detail, keyVersion: r.observed.keyVersion },
        requestId: input.requestId,
      });
    }
    const decision = decideNotification(
      { problem: key.notifiedProblem, notifiedAt: key.notifiedAt },
      derived.problem,
      now,
      env.HEALTH_REMINDER_HOURS * 3_600_000,
    );
    let deliveries: string[] = [];
    if (decision.kind) {
      await tx.customerKey.update({
        where: { id: key.id },
        data: { notifiedProblem: decision.next.problem, notifiedAt: decision.next.notifiedAt },
      });
      deliveries = await raiseNotification(tx, {
        ...healthMessage(decision.kind, key.customer.name, key.keyUri, derived.health, derived.findings),
        customerId: key.customerId,
        keyId: key.id,
        actor,
        requestId: input.requestId,
      });
    }
    return { health: derived.health, findings: derived.findings, notified: decision.kind, deliveries };
  });
}

/**
 * Onboarding follows its keys: unreachable when one its resources use breaks, healthy again when the customer
 * restores access. While a hand-over is applied two keys are watched (./watched.ts); the onboarding takes the worse
 * of the two, so the healthy new key does not hide the old one that resources still depend on, nor the reverse.
 */
async function followOnboarding(
  tx: Tx,
  key: { id: string; onboarding: { id: string; state: OnboardingState } },
  health: KeyHealth,
  findings: Finding[],
  actor: Actor,
  requestId?: string,
) {
  const { onboarding } = key;
  const otherBroken = await tx.customerKey.count({
    where: { ...WATCHED_KEY, onboardingId: onboarding.id, id: { not: key.id }, health: "UNREACHABLE" },
  });
  const broken = health === "UNREACHABLE" || otherBroken > 0;
  const move = (to: OnboardingState, action: string) =>
    transitionOnboarding(tx, {
      onboardingId: onboarding.id,
      to,
      actor,
      action,
      details: { findings: findings.filter((f) => f.severity !== "info").map((f) => f.code) },
      requestId,
    });
  if (broken) {
    if (["KEY_VERIFIED", "APPLIED", "HEALTHY"].includes(onboarding.state))
      await move("KEY_UNREACHABLE", "onboarding.key_unreachable");
    return;
  }
  if (!["KEY_VERIFIED", "APPLIED", "KEY_UNREACHABLE"].includes(onboarding.state)) return;
  const applied = await tx.isvResource.count({
    where: {
      appliedKey: { onboardingId: onboarding.id, status: { in: ["ACTIVE", "SUPERSEDED"] } },
      cmkState: { in: ["APPLIED", "DRIFTED"] },
    },
  });
  if (applied === 0) {
    if (onboarding.state === "KEY_UNREACHABLE") await move("KEY_VERIFIED", "onboarding.key_reachable");
    return;
  }
  // The customer's data is encrypted with a key that answers: applied, and healthy.
  if (onboarding.state === "KEY_VERIFIED") await move("APPLIED", "onboarding.applied");
  await move("HEALTHY", "onboarding.key_reachable");
}

/** Days a soft-deleted key stays recoverable, from the recovery level Key Vault reported. */
function recoverableDaysOf(recoveryLevel: string | null): number | null {
  if (!recoveryLevel || recoveryLevel.startsWith("Purgeable")) return null;
  // Key Vault's default retention; the exact value (7–90 days) is the vault's setting.
  return 90;
}

const LEVEL_WORDS: Record<KeyHealth, string> = {
  UNKNOWN: "not checked yet",
  HEALTHY: "healthy",
  WARNING: "needs attention",
  UNREACHABLE: "unreachable",
};

export function healthMessage(
  kind: NotificationKind,
  customerName: string,
  keyUri: string,
  health: KeyHealth,
  findings: Finding[],
) {
  const problems = findings.filter((f) => f.severity !== "info");
  const headline =
    kind === "resolved"
      ? "resolved: the key is reachable again"
      : `${kind === "reminder" ? "still " : ""}${LEVEL_WORDS[health]}${problems[0] ? ` — ${problems[0].code.replaceAll("_", " ")}` : ""}`;
  const lines = [
    `Customer: ${customerName}`,
    `Key: ${keyUri}`,
    `Health: ${LEVEL_WORDS[health]}`,
    "",
    ...(problems.length
      ? problems.flatMap((f) => [`- ${f.summary}`, ...(f.fix ? [`  Fix: ${f.fix}`] : [])])
      : ["Every check passed."]),
    ...findings.filter((f) => f.severity === "info").map((f) => `- ${f.summary}`),
  ];
  return {
    event:
      kind === "resolved" ? "key.resolved" : health === "UNREACHABLE" ? "key.unreachable" : "key.warning",
    subject: `[Crosskey] ${customerName}: key ${headline}`,
    body: lines.join("\n"),
    data: {
      kind,
      customer: customerName,
      keyUri,
      health,
      findings: problems.map((f) => ({ code: f.code, summary: f.summary, fix: f.fix ?? null })),
    },
  };
}
