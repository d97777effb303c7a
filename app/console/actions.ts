"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { currentRequestId, operatorActor, requireOperator, WRITE_ROLES } from "@/lib/auth/operator";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { loggerFor } from "@/lib/log";
import { createCustomerInvite, createInviteSchema } from "@/lib/onboarding/create-customer-invite";
import { reissueInvite, revokeInvite } from "@/lib/onboarding/manage-invite";

export type ConsoleResult =
  | { ok: true; message: string; inviteUrl?: string; onboardingId?: string }
  | {
      ok: false;
      error: string;
      fieldErrors?: Record<string, string[]>;
      /** What was typed, handed back so a rejected form keeps it. */
      values?: Record<string, string>;
    };

async function failure(error: unknown): Promise<ConsoleResult> {
  const field = isAppError(error) ? error.options.details?.field : undefined;
  if (isAppError(error) && typeof field === "string")
    return { ok: false, error: "Check the highlighted fields.", fieldErrors: { [field]: [error.message] } };
  if (isAppError(error)) return { ok: false, error: error.message };
  loggerFor(await currentRequestId()).error({ err: error }, "console action failed");
  return { ok: false, error: "Something went wrong. Nothing was changed." };
}

const inviteUrl = (token: string) => new URL(`/onboard/${token}`, getEnv().APP_BASE_URL).toString();

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

async function createInviteFrom(form: FormData): Promise<ConsoleResult> {
  try {
    const session = await requireOperator(WRITE_ROLES);
    const parsed = createInviteSchema.safeParse({
      customerName: form.get("customerName"),
      contactEmail: form.get("contactEmail") ?? "",
      pinnedTenant: form.get("pinnedTenant") ?? "",
      services: form.getAll("services"),
    });
    if (!parsed.success) {
      return {
        ok: false,
        error: "Check the highlighted fields.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors,
      };
    }
    const created = await createCustomerInvite(getDb(), {
      ...parsed.data,
      actor: operatorActor(session),
      ttlDays: getEnv().INVITE_TTL_DAYS,
      requestId: await currentRequestId(),
    });
    revalidatePath("/console");
    return {
      ok: true,
      message: `Invite for ${created.customer.name} created.`,
      inviteUrl: inviteUrl(created.token),
      onboardingId: created.onboarding.id,
    };
  } catch (error) {
    return failure(error);
  }
}

const idSchema = z.uuid();

export async function revokeInviteAction(inviteId: string): Promise<ConsoleResult> {
  try {
    const session = await requireOperator(WRITE_ROLES);
    await revokeInvite(getDb(), {
      inviteId: idSchema.parse(inviteId),
      actor: operatorActor(session),
      requestId: await currentRequestId(),
    });
    revalidatePath("/console", "layout");
    return { ok: true, message: "Invite revoked: the link no longer works." };
  } catch (error) {
    return failure(error);
  }
}

export async function reissueInviteAction(inviteId: string): Promise<ConsoleResult> {
  try {
    const session = await requireOperator(WRITE_ROLES);
    const { token } = await reissueInvite(getDb(), {
      inviteId: idSchema.parse(inviteId),
      actor: operatorActor(session),
      ttlDays: getEnv().INVITE_TTL_DAYS,
      requestId: await currentRequestId(),
    });
    revalidatePath("/console", "layout");
    return {
      ok: true,
      message: "New link issued; the previous one stopped working.",
      inviteUrl: inviteUrl(token),
    };
  } catch (error) {
    return failure(error);
  }
}
