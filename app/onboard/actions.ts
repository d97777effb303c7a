"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { anyone, customer, inviteKey, serverAction } from "@/lib/actions/server-action";
import { clearCookie, readSealedCookie, writeSealedCookie } from "@/lib/auth/session";
import { CLOUD_NAMES } from "@/lib/azure/clouds";
import { enqueueFleetRunBatch, enqueueKeyVerification } from "@/lib/jobs/enqueue";
import {
  renderScripts,
  type RenderedScripts,
  type ScriptDefaults,
  type ScriptVariant,
} from "@/lib/keys/scripts/render-scripts";
import type { VerificationResult } from "@/lib/keys/verify/types";
import type { Db } from "@/lib/db/client";
import type { Actor } from "@/lib/audit/record-audit-event";
import { confirmConsent, startAdminConsent } from "@/lib/onboarding/admin-consent";
import { createConsentForward, startForwardedConsent } from "@/lib/onboarding/forward-consent";
import { completeCustomerSignIn, startCustomerSignIn } from "@/lib/onboarding/customer-sign-in";
import { findProposedKey } from "@/lib/onboarding/handover-status";
import { submitReplacementKey, verifyCustomerKey } from "@/lib/operations/key-handover";
import { findActiveCustomerKey, submitCustomerKey } from "@/lib/onboarding/submit-customer-key";

export type ActionResult =
  | { ok: true; message?: string; redirectTo?: string }
  /** `value`: what the person typed, handed back so a rejected entry stays in its field. */
  | { ok: false; error: string; value?: string; retryAfterSeconds?: number };

const onboardLayout: [string, "layout"][] = [["/onboard", "layout"]];
const noInput = { args: () => ({}), input: z.object({}) };

/** Step 1: returns what the browser's MSAL needs; the nonce it must carry is kept server-side. */
export const beginCustomerSignIn = serverAction({
  name: "beginCustomerSignIn",
  access: anyone("sign-in-begin"),
  args: (token: string) => ({ token }),
  input: z.object({ token: z.string().max(100) }),
  invite: ({ token }) => inviteKey(token),
  run: async ({ input, db }) => {
    const { pending, msal } = await startCustomerSignIn(db, input.token);
    await writeSealedCookie("customerSignIn", pending);
    return { ok: true as const, msal };
  },
});

/** Step 1, after the redirect: the server verifies the ID token itself before trusting anything in it. */
export const finishCustomerSignIn = serverAction({
  name: "finishCustomerSignIn",
  access: anyone("sign-in-finish"),
  args: (idToken: string) => ({ idToken }),
  input: z.object({ idToken: z.string().max(16_384) }),
  invite: async () => {
    const pending = await readSealedCookie<{ token: string; nonce: string }>("customerSignIn");
    return pending ? inviteKey(pending.token) : undefined;
  },
  run: async ({ input, requestId, db }) => {
    const pending = await readSealedCookie<{ token: string; nonce: string }>("customerSignIn");
    await clearCookie("customerSignIn");
    const session = await completeCustomerSignIn(db, { idToken: input.idToken, pending, requestId });
    await writeSealedCookie("customer", { ...session });
    return { ok: true as const, redirectTo: `/onboard/${session.inviteToken}` };
  },
});

/** Step 2: off to Microsoft's admin-consent page with a state bound to this session. */
export const beginAdminConsent = serverAction({
  name: "beginAdminConsent",
  access: customer("consent-begin"),
  ...noInput,
  run: async ({ session, db }): Promise<never> => redirect(await startAdminConsent(db, session)),
});

/** Step 2, when consent was granted elsewhere (e.g. by a forwarded link): prove it with a token. */
export const checkConsentAgain = serverAction({
  name: "checkConsentAgain",
  access: customer("consent-check"),
  ...noInput,
  run: async ({ session, requestId, db }) => {
    const outcome = await confirmConsent(db, { session, requestId });
    return outcome.kind === "consented"
      ? { ok: true as const, message: "Consent confirmed." }
      : {
          ok: false as const,
          error:
            "Microsoft does not show consent for your organization yet. If someone just granted it, wait a minute and check again.",
        };
  },
  revalidate: onboardLayout,
});

/**
 * Step 2 for someone who is not an admin of their tenant: a link to forward to one. It replaces any earlier link;
 * the admin who opens it grants consent for this tenant only, and this page then continues (consent proved by a
 * token, as always).
 */
export const forwardConsentRequest = serverAction({
  name: "forwardConsentRequest",
  access: customer("consent-forward"),
  ...noInput,
  run: async ({ session, requestId, db }) => {
    const { url, expiresAt } = await createConsentForward(db, session, requestId);
    return { ok: true as const, link: url, expiresAt: expiresAt.toISOString() };
  },
});

/** The admin who received a forwarded request: off to Microsoft with a state bound to this browser. */
export const beginForwardedConsent = serverAction({
  name: "beginForwardedConsent",
  access: anyone("consent-request"),
  args: (token: string) => ({ token }),
  input: z.object({ token: z.string().max(100) }),
  invite: ({ token }) => inviteKey(token),
  run: async ({ input, db }): Promise<never> => {
    const { url, browser } = await startForwardedConsent(db, input.token);
    await writeSealedCookie("consentForward", { ...browser });
    redirect(url);
  },
});

const KEY_URI_MAX = 4096;
const keyUriInput = z.string().superRefine((value, ctx) => {
  if (value.length > KEY_URI_MAX)
    ctx.addIssue({
      code: "custom",
      message: `That is ${value.length.toLocaleString("en-US")} characters; a key URI is at most ${KEY_URI_MAX.toLocaleString("en-US")}. Copy the key's identifier again.`,
    });
});

/** Verifies at once; a role still propagating is handed to the worker, which retries with backoff. */
async function verifyNow(db: Db, keyId: string, actor: Actor, replacement = false) {
  const { result, retry, startedRunId } = await verifyCustomerKey(db, { keyId, actor });
  if (retry) await enqueueKeyVerification({ keyId, attempt: 0 });
  if (startedRunId) await enqueueFleetRunBatch(startedRunId);
  const message =
    replacement && result?.outcome === "verified"
      ? "Your replacement key is verified: every check passed. Your current key stays in use until it is applied."
      : describeOutcome(result);
  return { ok: true as const, message };
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

const submitKeyFrom = serverAction({
  name: "submitKey",
  access: customer("key-submit"),
  args: (form: FormData) => {
    const raw = form.get("keyUri");
    return { keyUri: typeof raw === "string" ? raw : "" };
  },
  input: z.object({ keyUri: keyUriInput }),
  run: async ({ input, session, actor, requestId, db }) => {
    const key = await submitCustomerKey(db, { session, keyUri: input.keyUri, requestId });
    return verifyNow(db, key.id, actor);
  },
  revalidate: onboardLayout,
});

/** Step 4: strict parse, store, verify at once; a role still propagating is retried in the background. */
export async function submitKey(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const raw = form.get("keyUri");
  // Handed back only up to a size a page can hold; the message still reports the real length.
  const echo = (typeof raw === "string" ? raw : "").slice(0, 16_384);
  const result = await submitKeyFrom(form);
  return result.ok ? result : { ...result, value: echo };
}

const submitReplacementFrom = serverAction({
  name: "submitReplacementKey",
  access: customer("key-submit"),
  args: (form: FormData) => {
    const raw = form.get("keyUri");
    return { keyUri: typeof raw === "string" ? raw : "" };
  },
  input: z.object({ keyUri: keyUriInput }),
  run: async ({ input, session, actor, requestId, db }) => {
    const key = await submitReplacementKey(db, { session, keyUri: input.keyUri, requestId });
    return verifyNow(db, key.id, actor, true);
  },
  revalidate: onboardLayout,
});

/**
 * After onboarding: a replacement key, verified at once like the first; once verified it waits for the ISV (or is
 * applied at once, by the ISV's policy) while the key in use stays in use.
 */
export async function submitReplacement(
  _previous: ActionResult | null,
  form: FormData,
): Promise<ActionResult> {
  const raw = form.get("keyUri");
  const echo = (typeof raw === "string" ? raw : "").slice(0, 16_384);
  const result = await submitReplacementFrom(form);
  return result.ok ? result : { ...result, value: echo };
}

/** "Verify again" for a replacement key that has not verified yet. */
export const verifyReplacementAgain = serverAction({
  name: "verifyReplacementAgain",
  access: customer("key-verify"),
  ...noInput,
  run: async ({ session, actor, db }) => {
    const key = await findProposedKey(db, session);
    if (!key) return { ok: false as const, error: "There is no replacement key waiting to be verified." };
    return verifyNow(db, key.id, actor, true);
  },
  revalidate: onboardLayout,
});

/** "Verify again" after the customer fixed something. */
export const verifyAgain = serverAction({
  name: "verifyAgain",
  access: customer("key-verify"),
  ...noInput,
  run: async ({ session, actor, db }) => {
    const key = await findActiveCustomerKey(db, session);
    if (!key) return { ok: false as const, error: "Submit a key URI first." };
    return verifyNow(db, key.id, actor);
  },
  revalidate: onboardLayout,
});

const signOut = serverAction({
  name: "signOutCustomer",
  access: customer(),
  ...noInput,
  run: async ({ session }): Promise<never> => {
    await clearCookie("customer");
    redirect(`/onboard/${session.inviteToken}`);
  },
});

/** Signing out (a form action): ends the session and shows the invite's landing page again. */
export async function signOutCustomer(): Promise<void> {
  await signOut();
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
export const renderScriptsAction = serverAction({
  name: "renderScripts",
  access: customer("scripts"),
  args: (defaults: ScriptDefaults, variant: ScriptVariant) => ({ defaults, variant }),
  input: scriptRequestSchema,
  invalidMessage: "The script could not be written.",
  // The scripts are for the signed-in tenant only, whatever the page sent.
  run: async ({ input, session }): Promise<{ ok: true; scripts: RenderedScripts }> => ({
    ok: true,
    scripts: renderScripts({ ...input.defaults, tenantId: session.tid }, input.variant),
  }),
});
