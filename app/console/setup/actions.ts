"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { currentRequestId, operatorActor, requireOperator, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { repairFederatedCredential } from "@/lib/identity/repair-federated-credential";
import { runPhase1Check } from "@/lib/identity/run-phase1-check";
import { getProducerBoss } from "@/lib/jobs/boss";
import { loggerFor } from "@/lib/log";

export type SetupActionResult = { ok: true; message: string } | { ok: false; error: string };

async function run(work: () => Promise<string>): Promise<SetupActionResult> {
  try {
    const message = await work();
    revalidatePath("/console/setup");
    return { ok: true, message };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    loggerFor(await currentRequestId()).error({ err: error }, "identity set-up action failed");
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

const statusWords = { ok: "all checks pass", warning: "working, with warnings", error: "broken" } as const;

export async function checkPhase1Action(): Promise<SetupActionResult> {
  return run(async () => {
    const session = await requireOperator(WRITE_ROLES);
    const report = await runPhase1Check(getDb(), {
      actor: operatorActor(session),
      requestId: await currentRequestId(),
      boss: await getProducerBoss(getEnv().DATABASE_URL),
    });
    return `Checked: ${statusWords[report.status]}.`;
  });
}

const repairSchema = z.object({
  identity: z.string().min(1).max(128),
  fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
});

/** Admin only: creates or corrects one encryption identity's federated credential, as previewed. */
export async function repairCredentialAction(
  _previous: SetupActionResult | null,
  form: FormData,
): Promise<SetupActionResult> {
  return run(async () => {
    const session = await requireOperator(["Admin"]);
    const input = repairSchema.safeParse(Object.fromEntries(form));
    if (!input.success)
      throw new AppError("BAD_REQUEST", "This repair request is malformed; reload the page.");
    await repairFederatedCredential(getDb(), {
      ...input.data,
      actor: operatorActor(session),
      requestId: await currentRequestId(),
      boss: await getProducerBoss(getEnv().DATABASE_URL),
    });
    return `Repaired ${input.data.identity}.`;
  }).then((result) => {
    // The repaired finding (and this form with it) is gone after the new check: the page says what happened.
    if (result.ok) redirect(`/console/setup?repaired=${encodeURIComponent(form.get("identity") as string)}`);
    return result;
  });
}
