"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import {
  clearCookie,
  getCustomerSession,
  readSealedCookie,
  writeSealedCookie,
  type CustomerSession,
} from "@/lib/auth/session";
import { currentRequestId } from "@/lib/auth/operator";
import { CLOUD_NAMES } from "@/lib/azure/clouds";
import {
  renderScripts,
  type RenderedScripts,
  type ScriptDefaults,
  type ScriptVariant,
} from "@/lib/keys/scripts/render-scripts";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { enqueueKeyVerification } from "@/lib/jobs/enqueue";
import type { VerificationResult } from "@/lib/keys/verify/types";
import { loggerFor } from "@/lib/log";
import { confirmConsent, startAdminConsent } from "@/lib/onboarding/admin-consent";
import { completeCustomerSignIn, startCustomerSignIn } from "@/lib/onboarding/customer-sign-in";
import { runKeyVerification } from "@/lib/onboarding/run-key-verification";
import { submitCustomerKey } from "@/lib/onboarding/submit-customer-key";
import { enforceRateLimit } from "@/lib/security/rate-limit";

export type ActionResult =
  | { ok: true; message?: string; redirectTo?: string }
  /** `value`: what the person typed, handed back so a rejected entry stays in its field. */
  | { ok: false; error: string; value?: string };

async function failure(error: unknown): Promise<ActionResult> {
  if (isAppError(error)) return { ok: false, error: error.message };
  loggerFor(await currentRequestId()).error({ err: error }, "customer action failed");
  return {
    ok: false,
    error: "Something went wrong on our side. Nothing was changed; try again in a moment.",
  };
}

async function requireCustomer(): Promise<CustomerSession> {
  const session = await getCustomerSession();
  if (!session) redirect("/onboard/session-ended");
  return session;
}

/** Step 1: returns what the browser's MSAL needs; the nonce it must carry is kept server-side. */
export async function beginCustomerSignIn(token: string) {
  try {
    await enforceRateLimit(getDb(), "customer-sign-in", 20);
    const { pending, msal } = await startCustomerSignIn(getDb(), z.string().max(100).parse(token));
    await writeSealedCookie("customerSignIn", pending);
    return { ok: true as const, msal };
  } catch (error) {
    return failure(error);
  }
}

/** Step 1, after the redirect: the server verifies the ID token itself before trusting anything in it. */
export async function finishCustomerSignIn(idToken: string): Promise<ActionResult> {
  try {
    await enforceRateLimit(getDb(), "customer-sign-in", 20);
    const pending = await readSealedCookie<{ token: string; nonce: string }>("customerSignIn");
    await clearCookie("customerSignIn");
    const session = await completeCustomerSignIn(getDb(), {
      idToken: z.string().max(16_384).parse(idToken),
      pending,
      requestId: await currentRequestId(),
    });
    await writeSealedCookie("customer", { ...session });
    return { ok: true, redirectTo: `/onboard/${session.inviteToken}` };
  } catch (error) {
    return failure(error);
  }
}

/** Step 2: off to Microsoft's admin-consent page with a state bound to this session. */
export async function beginAdminConsent(): Promise<ActionResult> {
  const session = await requireCustomer();
  let url: string;
  try {
    url = await startAdminConsent(getDb(), session);
  } catch (error) {
    return failure(error);
  }
  redirect(url);
}

/** Step 2, when consent was granted elsewhere (e.g. by a forwarded link): prove it with a token. */
export async function checkConsentAgain(): Promise<ActionResult> {
  const session = await requireCustomer();
  try {
    await enforceRateLimit(getDb(), "consent-check", 10);
    const outcome = await confirmConsent(getDb(), { session, requestId: await currentRequestId() });
    revalidatePath("/onboard", "layout");
    return outcome.kind === "consented"
      ? { ok: true, message: "Consent confirmed." }
      : {
          ok: false,
          error:
            "Microsoft does not show consent for your organization yet. If someone just granted it, wait a minute and check again.",
        };
  } catch (error) {
    return failure(error);
  }
}

const KEY_URI_MAX = 4096;
const keyUriInput = z.string().superRefine((value, ctx) => {
  if (value.length > KEY_URI_MAX)
    ctx.addIssue({
      code: "custom",
      message: `That is ${value.length.toLocaleString("en-US")} characters; a key URI is at most ${KEY_URI_MAX.toLocaleString("en-US")}. Copy the key's identifier again.`,
    });
});

/** Verifies at once; a role still propagating is handed to the worker, which retries with backoff. */
async function verifyNow(session: CustomerSession, keyId: string): Promise<ActionResult> {
  const { result, retry } = await runKeyVerification(getDb(), {
    keyId,
    actor: { type: "CUSTOMER", id: session.upn },
  });
  if (retry) await enqueueKeyVerification({ keyId, attempt: 0 });
  revalidatePath("/onboard", "layout");
  return { ok: true, message: describeOutcome(result) };
}

/** The sentence a screen reader announces after a verification; the page shows the details. */
function describeOutcome(result: VerificationResult | null): string {
  if (!result) return "The key could not be checked yet.";
  if (result.outcome === "verified") return "Your key is verified: every check passed.";
  if (result.outcome === "waiting_for_role")
    return "Not verified yet: Azure is still applying your role assignment. We keep checking on our own.";
  const failed = result.hops.find((hop) => hop.status === "failed");
  return failed
    ? `Verification failed at "${failed.label}": ${failed.summary} The fix is shown under Verification.`
    : "Verification failed. The details are shown under Verification.";
}

/** Step 4: strict parse, store, verify at once; a role still propagating is retried in the background. */
export async function submitKey(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const session = await requireCustomer();
  const raw = form.get("keyUri");
  const typed = typeof raw === "string" ? raw : "";
  // Handed back only up to a size a page can hold; the message still reports the real length.
  const echo = typed.slice(0, 16_384);
  try {
    await enforceRateLimit(getDb(), "key-submit", 15);
    const keyUri = keyUriInput.safeParse(typed);
    if (!keyUri.success)
      return {
        ok: false,
        error: keyUri.error.issues[0]?.message ?? "Paste the key's identifier.",
        value: echo,
      };
    const key = await submitCustomerKey(getDb(), {
      session,
      keyUri: keyUri.data,
      requestId: await currentRequestId(),
    });
    return await verifyNow(session, key.id);
  } catch (error) {
    const failed = await failure(error);
    return failed.ok ? failed : { ...failed, value: echo };
  }
}

/** "Verify again" after the customer fixed something. */
export async function verifyAgain(): Promise<ActionResult> {
  const session = await requireCustomer();
  try {
    await enforceRateLimit(getDb(), "key-verify", 15);
    const key = await getDb().customerKey.findFirst({
      where: { onboardingId: session.onboardingId, tenantId: session.tid, status: "ACTIVE" },
    });
    if (!key) return { ok: false, error: "Submit a key URI first." };
    return await verifyNow(session, key.id);
  } catch (error) {
    return failure(error);
  }
}

export async function signOutCustomer(): Promise<void> {
  const session = await getCustomerSession();
  await clearCookie("customer");
  redirect(session ? `/onboard/${session.inviteToken}` : "/");
}

const scriptRequestSchema = z.object({
  defaults: z.object({
    tenantId: z.string().max(64),
    appId: z.string().max(64),
    appDisplayName: z.string().max(256),
    servicePrincipalObjectId: z.string().max(64),
    vaultName: z.string().max(64),
    keyName: z.string().max(127),
    resourceGroup: z.string().max(90),
    location: z.string().max(64),
    cloud: z.enum(CLOUD_NAMES),
  }),
  variant: z.object({
    cloud: z.enum(CLOUD_NAMES),
    kind: z.enum(["VAULT", "MANAGED_HSM"]),
    scope: z.enum(["vault", "key"]),
  }),
});

/** Another variant of the customer's scripts (cloud, key store, scope), written and checked on the server. */
export async function renderScriptsAction(
  defaults: ScriptDefaults,
  variant: ScriptVariant,
): Promise<{ ok: true; scripts: RenderedScripts } | { ok: false; error: string }> {
  try {
    const session = await requireCustomer();
    const request = scriptRequestSchema.parse({ defaults, variant });
    // The scripts are for the signed-in tenant only, whatever the page sent.
    const scripts = renderScripts({ ...request.defaults, tenantId: session.tid }, request.variant);
    return { ok: true, scripts };
  } catch (error) {
    const failed = await failure(error);
    return failed.ok ? { ok: false, error: "The script could not be written." } : failed;
  }
}
