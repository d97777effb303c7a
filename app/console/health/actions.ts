"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ANY_ROLE, currentRequestId, operatorActor, requireOperator } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getProducerBoss } from "@/lib/jobs/boss";
import { requestKeyHealthCheck } from "@/lib/key-health/request-check";
import { loggerFor } from "@/lib/log";

export type HealthActionResult = { ok: true; message: string } | { ok: false; error: string };

export async function checkKeyNowAction(keyId: string): Promise<HealthActionResult> {
  try {
    const session = await requireOperator(ANY_ROLE);
    const outcome = await requestKeyHealthCheck(getDb(), await getProducerBoss(getEnv().DATABASE_URL), {
      keyId: z.uuid().parse(keyId),
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    revalidatePath(`/console/health/${keyId}`);
    return outcome === "queued"
      ? { ok: true, message: "Check queued: the result appears here in a few seconds." }
      : { ok: true, message: "A check of this key is already queued; its result appears here shortly." };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    loggerFor(await currentRequestId()).error({ err: error }, "check key now failed");
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}
