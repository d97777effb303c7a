import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { Webhook } from "standardwebhooks";
import type { Db } from "@/lib/db/create-db";
import { SYSTEM_ACTOR, recordAuditEvent } from "@/lib/audit/record-audit-event";
import { unsealSecret } from "@/lib/auth/seal";
import { getEnv } from "@/lib/env";

/** Attempts per delivery before it is marked failed (pg-boss retries with exponential backoff in between). */
export const DELIVERY_ATTEMPTS = 6;
const WEBHOOK_TIMEOUT_MS = 10_000;

let transport: Transporter | undefined;
function mailTransport(): Transporter {
  const url = getEnv().SMTP_URL;
  if (!url) throw new Error("email is not configured (SMTP_URL is unset)");
  transport ??= nodemailer.createTransport(url);
  return transport;
}

/** The webhook body: the Standard Webhooks shape (`type`, `timestamp`, `data`). */
export function webhookBody(n: {
  event: string;
  createdAt: Date;
  payload: unknown;
  subject: string;
  body: string;
}) {
  return JSON.stringify({
    type: n.event,
    timestamp: n.createdAt.toISOString(),
    data: { ...(n.payload as object), subject: n.subject, text: n.body },
  });
}

/**
 * Sends one delivery and records the attempt. Returns "retry" when the endpoint failed and attempts remain
 * (the caller re-throws so the queue backs off); a delivery is never sent again once it succeeded.
 */
export async function deliverNotification(
  db: Db,
  deliveryId: string,
): Promise<"delivered" | "retry" | "failed" | "skipped"> {
  const delivery = await db.notificationDelivery.findUnique({
    where: { id: deliveryId },
    include: { channel: true, notification: true },
  });
  if (!delivery || delivery.state !== "PENDING") return "skipped";
  const { channel, notification } = delivery;
  let status: number | null = null;
  let error: string | null = null;
  try {
    if (channel.kind === "EMAIL") {
      await mailTransport().sendMail({
        from: getEnv().NOTIFY_FROM,
        to: channel.target,
        subject: notification.subject,
        text: notification.body,
        headers: { "X-Crosskey-Event": notification.event, "X-Crosskey-Notification": notification.id },
      });
    } else {
      if (!channel.secretSealed) throw new Error("the channel has no signing secret");
      const secret = await unsealSecret(getEnv().SESSION_SECRET, "webhook", channel.secretSealed);
      const body = webhookBody(notification);
      const sentAt = new Date();
      // The same webhook-id on every retry, so receivers can drop duplicates (Standard Webhooks, "Idempotency").
      const signature = new Webhook(secret).sign(notification.id, sentAt, body);
      const response = await fetch(channel.target, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Crosskey-Webhooks/1",
          "webhook-id": notification.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status >= 300) error = `The endpoint answered HTTP ${status}.`;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const attempts = delivery.attempts + 1;
  const outcome = error === null ? "delivered" : attempts >= DELIVERY_ATTEMPTS ? "failed" : "retry";
  await db.$transaction(async (tx) => {
    const updated = await tx.notificationDelivery.updateMany({
      where: { id: delivery.id, state: "PENDING", attempts: delivery.attempts },
      data: {
        attempts,
        lastStatus: status,
        lastError: error?.slice(0, 1000) ?? null,
        ...(outcome === "delivered" && { state: "DELIVERED", deliveredAt: new Date() }),
        ...(outcome === "failed" && { state: "FAILED" }),
      },
    });
    if (updated.count === 1 && outcome !== "retry") {
      await recordAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: outcome === "delivered" ? "notification.delivered" : "notification.failed",
        targetType: "notification",
        targetId: notification.id,
        customerId: notification.customerId ?? undefined,
        outcome: outcome === "delivered" ? "success" : "failure",
        details: { channel: channel.name, kind: channel.kind, attempts, status, error },
      });
    }
  });
  return outcome;
}

/** Deliveries committed but never queued (the process stopped in between): queued again by the sweep. */
export async function findStrandedDeliveries(db: Db): Promise<string[]> {
  const stranded = await db.notificationDelivery.findMany({
    where: { state: "PENDING", attempts: 0, createdAt: { lt: new Date(Date.now() - 120_000) } },
    orderBy: { createdAt: "asc" },
    take: 500,
    select: { id: true },
  });
  return stranded.map((d) => d.id);
}
