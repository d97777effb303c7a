"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { currentRequestId, operatorActor, requireOperator } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getProducerBoss } from "@/lib/jobs/boss";
import { sendDeliveries } from "@/lib/jobs/queues";
import { loggerFor } from "@/lib/log";
import { createChannel, sendTestEvent, setChannelEnabled } from "@/lib/notifications/manage-channels";

export type ChannelActionResult =
  { ok: true; message: string; secret?: string } | { ok: false; error: string; field?: string };

const ADMIN = ["Admin"] as const;

async function run(work: () => Promise<ChannelActionResult>): Promise<ChannelActionResult> {
  try {
    const result = await work();
    revalidatePath("/console/notifications");
    return result;
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    loggerFor(await currentRequestId()).error({ err: error }, "notification action failed");
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

const form = z.object({
  kind: z.enum(["EMAIL", "WEBHOOK"], { error: "Choose email or webhook." }),
  name: z.string().trim().min(1, "Name the channel.").max(120, "Keep the name under 120 characters."),
  target: z
    .string()
    .trim()
    .min(1, "Enter where to send.")
    .max(2048, "The address is longer than 2,048 characters."),
  customerName: z
    .string()
    .trim()
    .max(200, "Customer names are at most 200 characters.")
    .transform((v) => (v === "" ? null : v)),
});

export async function createChannelAction(
  _previous: ChannelActionResult | null,
  data: FormData,
): Promise<ChannelActionResult> {
  return run(async () => {
    const session = await requireOperator(ADMIN);
    const parsed = form.safeParse(Object.fromEntries(data));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: issue?.message ?? "Check the form.", field: String(issue?.path[0] ?? "") };
    }
    const { channel, secret } = await createChannel(
      getDb(),
      parsed.data,
      operatorActor(session),
      await currentRequestId(),
    );
    return {
      ok: true,
      message: `Added ${channel.name}.${secret ? " Configure your receiver with this signing secret; it is shown only once." : ""}`,
      secret,
    };
  });
}

export async function setChannelEnabledAction(
  channelId: string,
  enabled: boolean,
): Promise<ChannelActionResult> {
  return run(async () => {
    const session = await requireOperator(ADMIN);
    await setChannelEnabled(
      getDb(),
      { channelId: z.uuid().parse(channelId), enabled },
      operatorActor(session),
      await currentRequestId(),
    );
    return {
      ok: true,
      message: enabled ? "Channel enabled." : "Channel paused: it receives nothing until enabled.",
    };
  });
}

export async function sendTestEventAction(channelId: string): Promise<ChannelActionResult> {
  return run(async () => {
    const session = await requireOperator(ADMIN);
    const ids = await sendTestEvent(
      getDb(),
      z.uuid().parse(channelId),
      operatorActor(session),
      await currentRequestId(),
    );
    await sendDeliveries(await getProducerBoss(getEnv().DATABASE_URL), ids);
    return { ok: true, message: "Test event queued; its delivery appears in the log below." };
  });
}
