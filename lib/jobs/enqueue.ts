import "server-only";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "./boss";
import { sendFleetRunBatch, sendKeyVerification, type VerifyKeyPayload } from "./queues";

/** From the web app: schedules another verification of a key (see sendKeyVerification). */
export async function enqueueKeyVerification(payload: VerifyKeyPayload): Promise<void> {
  await sendKeyVerification(await getProducerBoss(getEnv().DATABASE_URL), payload);
}

/** From the web app: queues the first batch of a fleet run that started (a replacement key applied at once). */
export async function enqueueFleetRunBatch(runId: string): Promise<void> {
  await sendFleetRunBatch(await getProducerBoss(getEnv().DATABASE_URL), runId);
}
