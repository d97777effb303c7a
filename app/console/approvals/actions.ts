"use server";

import { z } from "zod";
import { operator, serverAction } from "@/lib/actions/server-action";
import { KeyHandoverPolicy } from "@/lib/generated/prisma/enums";
import { setKeyHandoverPolicy } from "@/lib/settings/isv-settings";

/** An Admin chooses what a customer's verified replacement key does: wait for approval, or apply at once. */
export const setKeyHandoverPolicyAction = serverAction({
  name: "setKeyHandoverPolicy",
  access: operator(["Admin"]),
  args: (policy: KeyHandoverPolicy) => ({ policy }),
  input: z.object({ policy: z.enum(KeyHandoverPolicy) }),
  run: async ({ input, session, actor, requestId, db }) => {
    await setKeyHandoverPolicy(db, { policy: input.policy, actor, roles: session.roles, requestId });
    return {
      ok: true as const,
      message:
        input.policy === "APPROVAL"
          ? "Saved: a verified replacement key now waits for an Admin's approval."
          : "Saved: a verified replacement key is now applied at once.",
    };
  },
  revalidate: [["/console/approvals", "page"]],
});
