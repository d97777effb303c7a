import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { sendDeliveries } from "@/lib/jobs/queues";
import { decideNotification, type NotificationKind } from "@/lib/notifications/decide-notification";
import { raiseNotification } from "@/lib/notifications/raise-notification";
import { evaluatePhase1, type Phase1Expectations } from "./evaluate-phase1";
import { gatherPhase1Facts, getPhase1Expectations } from "./gather-phase1-facts";
import { phase1ReportColumn, type Phase1Report } from "./phase1-types";

/** Audit actions recorded when Phase 1 breaks or recovers (each also raises a notification). */
export const PHASE1_TRANSITION_ACTIONS = {
  broken: "isv_identity.broken",
  restored: "isv_identity.restored",
} as const;

// Two-key advisory lock space, as the audit chain uses; "ph1 " → one Phase 1 result written at a time.
const PHASE1_LOCK_CLASS = 0x70683120;

/**
 * Checks Phase 1 through Graph and ARM and stores the result on the app's IsvIdentity row. A change between
 * broken and working is audited; a check an operator asked for is audited too. The ISV's notification
 * channels hear of it as they hear of a customer's key: when it breaks or the set of failures changes, a
 * reminder while it stays broken, and once when it is restored. With `boss`, the deliveries are queued at
 * once; otherwise the worker's sweep picks them up.
 */
export async function runPhase1Check(
  db: Db,
  options: { actor: Actor; requestId?: string; scheduled?: boolean; boss?: PgBoss },
): Promise<Phase1Report> {
  const x = getPhase1Expectations();
  let report: Phase1Report;
  try {
    report = evaluatePhase1(x, await gatherPhase1Facts(x));
  } catch (error) {
    // A token, network or permission failure is itself a Phase 1 finding, stored and shown like the others.
    report = isAppError(error)
      ? unreachableReport(x, error.message, error.azureCode)
      : unreachableReport(x, error instanceof Error ? error.message : String(error));
  }
  const deliveries = await savePhase1Report(db, x, report, options);
  if (options.boss && deliveries.length) await sendDeliveries(options.boss, deliveries);
  return report;
}

/** The stored result of the last check, or null before the first. */
export async function getLastPhase1Report(db: Db): Promise<Phase1Report | null> {
  const row = await db.isvIdentity.findUnique({ where: { appClientId: getPhase1Expectations().cmkAppId } });
  return phase1ReportColumn.read(row?.lastCheck);
}

async function savePhase1Report(
  db: Db,
  x: Phase1Expectations,
  report: Phase1Report,
  options: { actor: Actor; requestId?: string; scheduled?: boolean },
): Promise<string[]> {
  const primary = x.identities[0]!;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(${PHASE1_LOCK_CLASS}::int4, 0)) AS locked`;
    const previous = await tx.isvIdentity.findUnique({ where: { appClientId: x.cmkAppId } });
    const data = {
      tenantId: x.tenantId,
      uamiResourceId: primary.resourceId,
      uamiClientId: primary.clientId,
      uamiPrincipalId: primary.principalId,
      ficName: report.identities[0]?.credential ?? null,
      lastCheckedAt: new Date(report.checkedAt),
      lastCheck: phase1ReportColumn.write(report),
    };
    await tx.isvIdentity.upsert({
      where: { appClientId: x.cmkAppId },
      create: { appClientId: x.cmkAppId, ...data },
      update: data,
    });
    const previousReport = phase1ReportColumn.read(previous?.lastCheck);
    const wasBroken = previousReport?.status === "error";
    const isBroken = report.status === "error";
    const failing = report.findings
      .filter((f) => f.status === "error")
      .map((f) => ({ id: f.id, title: f.title }));
    if (wasBroken !== isBroken && (previous || isBroken)) {
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: isBroken ? PHASE1_TRANSITION_ACTIONS.broken : PHASE1_TRANSITION_ACTIONS.restored,
        targetType: "isv_identity",
        targetId: x.cmkAppId,
        outcome: isBroken ? "failure" : "success",
        details: { failing },
        requestId: options.requestId,
      });
    } else if (!options.scheduled) {
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "isv_identity.checked",
        targetType: "isv_identity",
        targetId: x.cmkAppId,
        details: { status: report.status, failing },
        requestId: options.requestId,
      });
    }
    const lastMessage = await tx.notification.findFirst({
      where: { event: { startsWith: "isv_identity." }, customerId: null },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
    const decision = decideNotification(
      {
        problem: previousReport ? problemOf(previousReport) : null,
        notifiedAt: lastMessage?.createdAt ?? null,
      },
      problemOf(report),
      new Date(report.checkedAt),
      getEnv().HEALTH_REMINDER_HOURS * 3_600_000,
    );
    if (!decision.kind) return [];
    return raiseNotification(tx, {
      ...phase1Message(decision.kind, report, x.cmkAppId),
      actor: options.actor,
      requestId: options.requestId,
    });
  });
}

/** What is broken, as a comparable value: the failing findings' IDs, or null when Phase 1 works. */
function problemOf(report: Phase1Report): string | null {
  const failing = report.findings.filter((f) => f.status === "error").map((f) => f.id);
  return report.status === "error" && failing.length ? failing.sort().join(",") : null;
}

/** The message the ISV's channels receive: every failing finding with its fix, in the words the console uses. */
export function phase1Message(kind: NotificationKind, report: Phase1Report, cmkAppId: string) {
  const failing = report.findings.filter((f) => f.status === "error");
  const headline =
    kind === "resolved"
      ? "restored: every check passes again"
      : `${kind === "reminder" ? "still " : ""}broken — ${failing[0]?.title ?? "a check failed"}`;
  return {
    event: kind === "resolved" ? "isv_identity.restored" : "isv_identity.broken",
    subject: `[Crosskey] Identity set-up ${headline}`,
    body: [
      `CMK application: ${cmkAppId}`,
      "Every customer's key is reached through this set-up: while it is broken, verifications, health checks and key applications can fail for every customer.",
      "",
      ...(failing.length
        ? failing.flatMap((f) => [
            `- ${f.title}: ${f.detail}`,
            ...(f.fix ? [`  Fix: ${f.fix}`] : []),
            ...(f.command ? [`  Command: ${f.command}`] : []),
          ])
        : ["Every check passed."]),
      "",
      "Details and one-click repairs: Console → Identity set-up.",
    ].join("\n"),
    data: {
      kind,
      cmkAppId,
      status: report.status,
      findings: failing.map((f) => ({ id: f.id, title: f.title, detail: f.detail, fix: f.fix ?? null })),
    },
  };
}

function unreachableReport(x: Phase1Expectations, message: string, azureCode?: string): Phase1Report {
  return {
    checkedAt: new Date().toISOString(),
    status: "error",
    findings: [
      {
        id: "check.unreachable",
        area: "cmk-app",
        status: "error",
        title: "Crosskey could not read its identity set-up",
        detail: `${message}${azureCode ? ` (${azureCode})` : ""}`,
        fix: "Give the app's managed identity Application.Read.All in Microsoft Graph (and Application.ReadWrite.OwnedBy, as an owner of the CMK app, for repairs), and Reader or more on the subscriptions.",
        // 9a5d68dd-…: Graph's Application.Read.All app role (https://learn.microsoft.com/en-us/graph/permissions-reference).
        command: `az rest --method POST --url "${x.graphUrl}/servicePrincipals/<app identity principal ID>/appRoleAssignments" --body '{"principalId":"<app identity principal ID>","resourceId":"<Microsoft Graph service principal ID>","appRoleId":"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"}'`,
      },
    ],
    capacity: { used: 0, limit: 20 },
    credentials: [],
    identities: [],
  };
}
