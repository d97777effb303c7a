import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { AppError } from "@/lib/errors";
import { sendKeyHealthCheck } from "@/lib/jobs/queues";
import { WATCHED_KEY } from "./watched";

/**
 * An operator's "check now": the same check the monitor runs, with a fresh token (so a removed consent shows
 * at once), queued for the workers. While a check of the tenant runs, this one waits behind it; when one is
 * already waiting, that one (not started yet) gives the answer.
 */
export async function requestKeyHealthCheck(
  db: Db,
  boss: PgBoss,
  input: { keyId: string; actor: Actor; requestId?: string },
): Promise<"queued" | "already_queued"> {
  const key = await db.customerKey.findFirst({
    where: { id: input.keyId, ...WATCHED_KEY },
    select: { id: true, tenantId: true, customerId: true, onboardingId: true },
  });
  if (!key)
    throw new AppError(
      "NOT_FOUND",
      "This key is not watched: it is not the customer's verified key, nor one their resources still use.",
    );
  const queued = await sendKeyHealthCheck(boss, { tenantId: key.tenantId, keyId: key.id, freshToken: true });
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: input.actor,
      action: "key.health_check_requested",
      targetType: "customer_key",
      targetId: key.id,
      customerId: key.customerId,
      onboardingId: key.onboardingId,
      details: { queued: queued !== null },
      requestId: input.requestId,
    }),
  );
  return queued ? "queued" : "already_queued";
}
