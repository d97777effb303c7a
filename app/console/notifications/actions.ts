"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "@/lib/jobs/boss";
import { sendDeliveries } from "@/lib/jobs/queues";
import { createChannel, sendTestEvent, setChannelEnabled } from "@/lib/notifications/manage-channels";

export type ChannelActionResult =
  | { ok: true; message: string; secret?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

const admin = operator(["Admin"]);
const revalidate = "/console/notifications";
const channelId = z.object({ channelId: z.uuid("This channel ID is not valid.") });

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

export const createChannelAction = serverAction({
  name: "createChannel",
  access: admin,
  args: (_previous: ChannelActionResult | null, data: FormData) => Object.fromEntries(data),
  input: form,
  run: async ({ input, actor, requestId, db }) => {
    const { channel, secret } = await createChannel(db, input, actor, requestId);
    return {
      ok: true as const,
      message: `Added ${channel.name}.${secret ? " Configure your receiver with this signing secret; it is shown only once." : ""}`,
      secret,
    };
  },
  revalidate,
});

export const setChannelEnabledAction = serverAction({
  name: "setChannelEnabled",
  access: admin,
  args: (channelId: string, enabled: boolean) => ({ channelId, enabled }),
  input: channelId.extend({ enabled: z.boolean() }),
  run: async ({ input, actor, requestId, db }) => {
    await setChannelEnabled(db, input, actor, requestId);
    return {
      ok: true as const,
      message: input.enabled ? "Channel enabled." : "Channel paused: it receives nothing until enabled.",
    };
  },
  revalidate,
});

export const sendTestEventAction = serverAction({
  name: "sendTestEvent",
  access: admin,
  args: (channelId: string) => ({ channelId }),
  input: channelId,
  run: async ({ input, actor, requestId, db }) => {
    const ids = await sendTestEvent(db, input.channelId, actor, requestId);
    await sendDeliveries(await getProducerBoss(getEnv().DATABASE_URL), ids);
    return { ok: true as const, message: "Test event queued; its delivery appears in the log below." };
  },
  revalidate,
});
