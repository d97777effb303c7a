import "server-only";
import { getDb } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { OperatorSession } from "./session";

export async function recordOperatorSignIn(session: OperatorSession, requestId?: string): Promise<void> {
  await recordAuditEvent(getDb(), {
    actor: { type: "OPERATOR", id: session.upn, role: session.roles.join(",") || "none" },
    action: session.roles.length ? "operator.signed_in" : "operator.sign_in_without_role",
    targetType: "operator",
    targetId: session.oid,
    outcome: session.roles.length ? "success" : "denied",
    requestId,
  });
}
