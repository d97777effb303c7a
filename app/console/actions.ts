"use server";

import { z } from "zod";
import { serverAction, operator } from "@/lib/actions/server-action";
import { WRITE_ROLES } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";
import { createCustomerInvite, createInviteSchema } from "@/lib/onboarding/create-customer-invite";
import { reissueInvite } from "@/lib/onboarding/manage-invite";
import { revokeInviteAndHandover } from "@/lib/operations/key-handover";

export type ConsoleResult =
  | { ok: true; message: string; inviteUrl?: string; onboardingId?: string }
  | {
      ok: false;
      error: string;
      fieldErrors?: Record<string, string[]>;
      /** What was typed, handed back so a rejected form keeps it. */
      values?: Record<string, string>;
    };

const inviteUrl = (token: string) => new URL(`/onboard/${token}`, getEnv().APP_BASE_URL).toString();

const createInviteFrom = serverAction({
  name: "createInvite",
  access: operator(WRITE_ROLES),
  args: (form: FormData) => ({
    customerName: form.get("customerName"),
    contactEmail: form.get("contactEmail") ?? "",
    pinnedTenant: form.get("pinnedTenant") ?? "",
    services: form.getAll("services"),
  }),
  input: createInviteSchema,
  invalidMessage: "Check the highlighted fields.",
  run: async ({ input, actor, requestId, db }) => {
    const created = await createCustomerInvite(db, {
      ...input,
      actor,
      ttlDays: getEnv().INVITE_TTL_DAYS,
      requestId,
    });
    return {
      ok: true as const,
      message: `Invite for ${created.customer.name} created.`,
      inviteUrl: inviteUrl(created.token),
      onboardingId: created.onboarding.id,
    };
  },
  revalidate: "/console",
});

export async function createInvite(_previous: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  const values = Object.fromEntries(
    ["customerName", "contactEmail", "pinnedTenant"].map((name) => [
      name,
      String(form.get(name) ?? "").slice(0, 400),
    ]),
  );
  const result = await createInviteFrom(form);
  return result.ok ? result : { ...result, values };
}

const inviteIdInput = z.object({ inviteId: z.uuid("This invite ID is not valid.") });

export const revokeInviteAction = serverAction({
  name: "revokeInvite",
  access: operator(WRITE_ROLES),
  args: (inviteId: string) => ({ inviteId }),
  input: inviteIdInput,
  run: async ({ input, actor, requestId, db }) => {
    const { declinedHandovers } = await revokeInviteAndHandover(db, {
      inviteId: input.inviteId,
      actor,
      requestId,
    });
    return {
      ok: true as const,
      message: declinedHandovers
        ? "Invite revoked: the link no longer works, and the customer's replacement key waiting for approval was declined."
        : "Invite revoked: the link no longer works.",
    };
  },
  revalidate: [["/console", "layout"]],
});

export const reissueInviteAction = serverAction({
  name: "reissueInvite",
  access: operator(WRITE_ROLES),
  args: (inviteId: string) => ({ inviteId }),
  input: inviteIdInput,
  run: async ({ input, actor, requestId, db }) => {
    const { token } = await reissueInvite(db, {
      inviteId: input.inviteId,
      actor,
      ttlDays: getEnv().INVITE_TTL_DAYS,
      requestId,
    });
    return {
      ok: true as const,
      message: "New link issued; the previous one stopped working.",
      inviteUrl: inviteUrl(token),
    };
  },
  revalidate: [["/console", "layout"]],
});
