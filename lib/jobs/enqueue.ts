import "server-only";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "./boss";
import { sendKeyVerification, type VerifyKeyPayload } from "./queues";

/** From the web app: schedules another verification of a key (see sendKeyVerification). */
export async function enqueueKeyVerification(payload: VerifyKeyPayload): Promise<void> {
  await sendKeyVerification(await getProducerBoss(getEnv().DATABASE_URL), payload);
}
