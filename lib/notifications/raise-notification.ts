import "server-only";
import type { Tx } from "@/lib/db/create-db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";

export interface NotificationInput {
  /** Dotted event name, also the webhook payload's `type`: key.unreachable, key.resolved, test, … */
  event: string;
  customerId?: string;
  keyId?: string;
  subject: string;
  /** Plain text: the email body, and `data.text` of the webhook payload. */
  body: string;
  data: Prisma.InputJsonObject;
  actor: Actor;
  /** Only this channel (a test event); otherwise every enabled channel of the ISV and of the customer. */
  channelId?: string;
  requestId?: string;
}

/**
 * Records one notification and a pending delivery per channel that should receive it, with its audit event,
 * inside the caller's transaction. Returns the delivery IDs: send them to the delivery queue after commit
 * (a sweep in the worker picks up any that were not sent).
 */
export async function raiseNotification(tx: Tx, input: NotificationInput): Promise<string[]> {
  const channels = await tx.notificationChannel.findMany({
    where: input.channelId
      ? { id: input.channelId }
      : {
          enabled: true,
          OR: [{ customerId: null }, ...(input.customerId ? [{ customerId: input.customerId }] : [])],
        },
    select: { id: true },
    // An ISV keeps a handful of channels per customer; the bound guards against a runaway configuration.
    take: 100,
  });
  const notification = await tx.notification.create({
    data: {
      event: input.event,
      customerId: input.customerId,
      keyId: input.keyId,
      subject: input.subject,
      body: input.body,
      payload: input.data,
      deliveries: { create: channels.map((c) => ({ channelId: c.id })) },
    },
    include: { deliveries: { select: { id: true } } },
  });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: "notification.raised",
    targetType: "notification",
    targetId: notification.id,
    customerId: input.customerId,
    details: { event: input.event, subject: input.subject, channels: channels.length },
    requestId: input.requestId,
  });
  return notification.deliveries.map((d) => d.id);
}
