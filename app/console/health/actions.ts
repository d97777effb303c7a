"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { ANY_ROLE } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";
import { getProducerBoss } from "@/lib/jobs/boss";
import { requestKeyHealthCheck } from "@/lib/key-health/request-check";

export type HealthActionResult = { ok: true; message: string } | { ok: false; error: string };

export const checkKeyNowAction = serverAction({
  name: "checkKeyNow",
  access: operator(ANY_ROLE),
  args: (keyId: string) => ({ keyId }),
  input: z.object({ keyId: z.uuid("This key ID is not valid.") }),
  run: async ({ input, actor, requestId, db }) => {
    const outcome = await requestKeyHealthCheck(db, await getProducerBoss(getEnv().DATABASE_URL), {
      keyId: input.keyId,
      actor,
      requestId,
    });
    return {
      ok: true as const,
      message:
        outcome === "queued"
          ? "Check queued: the result appears here in a few seconds."
          : "A check of this key is already queued; its result appears here shortly.",
    };
  },
  revalidate: [["/console/health/[keyId]", "page"]],
});
