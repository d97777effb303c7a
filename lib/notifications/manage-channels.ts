import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/create-db";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import { sealSecret } from "@/lib/auth/seal";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { raiseNotification } from "./raise-notification";
import { webhookUrlSchema } from "./webhook-url";

export const channelInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("EMAIL"),
    name: z.string().trim().min(1, "Name the channel.").max(120),
    target: z.email("Enter an email address.").max(320),
    /** Opt-in for one customer's contacts: the customer's exact name; null for the ISV's own channel. */
    customerName: z.string().trim().max(200).nullable(),
  }),
  z.object({
    kind: z.literal("WEBHOOK"),
    name: z.string().trim().min(1, "Name the channel.").max(120),
    target: z.string(),
    /** Opt-in for one customer's contacts: the customer's exact name; null for the ISV's own channel. */
    customerName: z.string().trim().max(200).nullable(),
  }),
]);
export type ChannelInput = z.infer<typeof channelInput>;

/**
 * Adds a channel. A webhook gets a new signing secret (Standard Webhooks `whsec_` form), stored sealed and
 * returned once so the receiver can be configured with it.
 */
export async function createChannel(db: Db, input: ChannelInput, actor: Actor, requestId?: string) {
  const env = getEnv();
  let target = input.target;
  let secret: string | undefined;
  if (input.kind === "WEBHOOK") {
    const url = webhookUrlSchema(env.WEBHOOK_ALLOW_HTTP_HOSTS).safeParse(input.target);
    if (!url.success) throw new AppError("BAD_REQUEST", url.error.issues[0]?.message ?? "Invalid URL.");
    target = url.data;
    secret = `whsec_${crypto.randomBytes(32).toString("base64")}`;
  } else if (!env.SMTP_URL) {
    throw new AppError("BAD_REQUEST", "Email is not configured on this server: set SMTP_URL first.");
  }
  let customerId: string | null = null;
  if (input.customerName) {
    const customer = await db.customer.findUnique({
      where: { nameKey: input.customerName.toLowerCase() },
      select: { id: true },
    });
    if (!customer) throw new AppError("NOT_FOUND", `No customer is named "${input.customerName}".`);
    customerId = customer.id;
  }
  const secretSealed = secret ? await sealSecret(env.SESSION_SECRET, "webhook", secret) : null;
  const channel = await db.$transaction(async (tx) => {
    const created = await tx.notificationChannel.create({
      data: {
        kind: input.kind,
        name: input.name,
        target,
        secretSealed,
        customerId,
        createdBy: actor.id ?? "unknown",
      },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "notification.channel_created",
      targetType: "notification_channel",
      targetId: created.id,
      customerId: customerId ?? undefined,
      details: { kind: input.kind, name: input.name, target },
      requestId,
    });
    return created;
  });
  return { channel, secret };
}

export async function setChannelEnabled(
  db: Db,
  input: { channelId: string; enabled: boolean },
  actor: Actor,
  requestId?: string,
) {
  await db.$transaction(async (tx) => {
    const updated = await tx.notificationChannel.updateMany({
      where: { id: input.channelId },
      data: { enabled: input.enabled },
    });
    if (updated.count !== 1) throw new AppError("NOT_FOUND", "That channel does not exist.");
    await recordAuditEvent(tx, {
      actor,
      action: input.enabled ? "notification.channel_enabled" : "notification.channel_disabled",
      targetType: "notification_channel",
      targetId: input.channelId,
      requestId,
    });
  });
}

/** A "test" event to one channel, through the same delivery path as real notifications. */
export async function sendTestEvent(db: Db, channelId: string, actor: Actor, requestId?: string) {
  return db.$transaction(async (tx) => {
    const channel = await tx.notificationChannel.findUnique({ where: { id: channelId } });
    if (!channel) throw new AppError("NOT_FOUND", "That channel does not exist.");
    return raiseNotification(tx, {
      event: "test",
      channelId,
      subject: `[Crosskey] Test notification for ${channel.name}`,
      body: `This is a test from Crosskey (${getEnv().ISV_NAME}), sent by ${actor.id ?? "an operator"}. If you can read it, the channel works.`,
      data: { channel: channel.name },
      actor,
      requestId,
    });
  });
}

const PAGE = 50;

/** Channels, newest first, one page at a time. */
export async function findChannels(db: Db, input: { cursor?: string } = {}) {
  const rows = await db.notificationChannel.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE + 1,
    ...(input.cursor && { cursor: { id: input.cursor }, skip: 1 }),
    select: {
      id: true,
      kind: true,
      name: true,
      target: true,
      enabled: true,
      createdAt: true,
      customer: { select: { name: true } },
    },
  });
  return { rows: rows.slice(0, PAGE), next: rows.length > PAGE ? rows[PAGE - 1]?.id : undefined };
}

/** The delivery log, newest first: what was sent where, attempts and the endpoint's answer. */
export async function findDeliveries(db: Db, input: { cursor?: string; keyId?: string } = {}) {
  const rows = await db.notificationDelivery.findMany({
    where: input.keyId ? { notification: { keyId: input.keyId } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE + 1,
    ...(input.cursor && { cursor: { id: input.cursor }, skip: 1 }),
    include: {
      channel: { select: { name: true, kind: true } },
      notification: { select: { subject: true, event: true } },
    },
  });
  return { rows: rows.slice(0, PAGE), next: rows.length > PAGE ? rows[PAGE - 1]?.id : undefined };
}
