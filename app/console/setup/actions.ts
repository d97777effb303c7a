"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { WRITE_ROLES } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";
import { repairFederatedCredential } from "@/lib/identity/repair-federated-credential";
import { runPhase1Check } from "@/lib/identity/run-phase1-check";
import { getProducerBoss } from "@/lib/jobs/boss";

export type SetupActionResult = { ok: true; message: string } | { ok: false; error: string };

const statusWords = { ok: "all checks pass", warning: "working, with warnings", error: "broken" } as const;

export const checkPhase1Action = serverAction({
  name: "checkPhase1",
  access: operator(WRITE_ROLES),
  args: () => ({}),
  input: z.object({}),
  run: async ({ actor, requestId, db }) => {
    const report = await runPhase1Check(db, {
      actor,
      requestId,
      boss: await getProducerBoss(getEnv().DATABASE_URL),
    });
    return { ok: true as const, message: `Checked: ${statusWords[report.status]}.` };
  },
  revalidate: "/console/setup",
});

/** Admin only: creates or corrects one encryption identity's federated credential, as previewed. */
export const repairCredentialAction = serverAction({
  name: "repairCredential",
  access: operator(["Admin"]),
  args: (_previous: SetupActionResult | null, form: FormData) => Object.fromEntries(form),
  input: z.object({
    identity: z.string().min(1).max(128),
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
  }),
  invalidMessage: "This repair request is malformed; reload the page.",
  run: async ({ input, actor, requestId, db }) => {
    await repairFederatedCredential(db, {
      ...input,
      actor,
      requestId,
      boss: await getProducerBoss(getEnv().DATABASE_URL),
    });
    // The repaired finding (and this form with it) is gone after the new check: the page says what happened.
    redirect(`/console/setup?repaired=${encodeURIComponent(input.identity)}`);
  },
  revalidate: "/console/setup",
});
