import "server-only";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "./boss";
import { roleWaitDelaySeconds, type VerifyKeyPayload } from "./queues";

/** Schedules another verification of a key; one pending verification per key and attempt. */
export async function enqueueKeyVerification(
  payload: VerifyKeyPayload,
  delaySeconds = roleWaitDelaySeconds(payload.attempt),
): Promise<void> {
  const boss = await getProducerBoss(getEnv().DATABASE_URL);
  await boss.send("verify-key", payload, {
    singletonKey: `verify:${payload.keyId}:${payload.attempt}`,
    startAfter: delaySeconds,
  });
}
