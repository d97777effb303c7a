import type { Metadata } from "next";
import { cache } from "react";
import { Card } from "@/components/ui/card";
import { Stepper } from "@/components/ui/stepper";
import { notFound } from "next/navigation";
import { getValidCustomerSession } from "@/lib/auth/customer";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getCustomerView } from "@/lib/onboarding/get-customer-view";
import { isHandoverPending } from "@/lib/onboarding/handover-status";
import { currentClientAddress } from "@/lib/request-context";
import { assertMissBudget, countMiss, enforceRateLimit, inviteKey } from "@/lib/security/rate-limit";
import { signOutCustomer } from "../actions";
import { ConsentPanel } from "../_components/consent-panel";
import { DonePanel } from "../_components/done-panel";
import { KeyStep } from "../_components/key-step";
import { LandingPanel } from "../_components/landing-panel";
import { onboardingSteps, stepTitle } from "../_components/steps";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<{ consent?: string }> };

// The title and the page read the same view; cache() makes that one database read (and one count) per request.
const loadView = cache(async (token: string) => {
  const db = getDb();
  const address = await currentClientAddress();
  await assertMissBudget(db, address);
  await enforceRateLimit(db, { step: "invite-page", address, invite: inviteKey(token) });
  try {
    return await getCustomerView(db, token, await getValidCustomerSession(db));
  } catch (error) {
    // A token that matches no invite is what guessing looks like: counted against the address, and a 404.
    if (isAppError(error) && error.options.details?.miss === true) {
      await countMiss(db, address);
      notFound();
    }
    throw error;
  }
});

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { token } = await props.params;
  let title: string;
  try {
    const view = await loadView(token);
    const keyStatus = view.signedIn ? view.key?.status : undefined;
    title = stepTitle(view.state, view.signedIn, keyStatus);
  } catch (error) {
    if (!isAppError(error)) throw error;
    title = error.code === "RATE_LIMITED" ? "Too many attempts" : "Invite link not usable";
  }
  return { title, referrer: "no-referrer" };
}

export default async function OnboardingPage(props: Props) {
  const [{ token }, { consent }] = await Promise.all([props.params, props.searchParams]);
  const { ISV_NAME } = getEnv();
  let view;
  try {
    view = await loadView(token);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
        <h1 className="text-2xl font-bold text-slate-900">
          {error.code === "INVITE_UNUSABLE"
            ? "This invite link no longer works"
            : error.code === "RATE_LIMITED"
              ? "Too many attempts"
              : "Invite link not recognised"}
        </h1>
        <p className="mt-3 text-slate-700">{error.message}</p>
      </main>
    );
  }

  const keyStatus = view.signedIn ? view.key?.status : undefined;
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">Connect your encryption key</h1>
          <p className="mt-2 text-slate-600">
            For <strong>{view.customerName}</strong>. {ISV_NAME} will encrypt your data with a key that stays
            in your own Azure tenant.
          </p>
        </div>
        {view.signedIn && (
          <form action={signOutCustomer} className="min-w-0 text-sm text-slate-600">
            <p className="break-all">
              Signed in as <strong>{view.session.upn}</strong>
            </p>
            <p className="font-mono text-xs break-all">tenant {view.session.tenantId}</p>
            <button type="submit" className="mt-1 text-brand-700 underline">
              Sign out
            </button>
          </form>
        )}
      </div>

      <nav className="mt-6" aria-label="Onboarding progress">
        <Stepper
          steps={onboardingSteps(
            view.state,
            view.signedIn,
            keyStatus,
            view.signedIn && isHandoverPending(view.handover?.status),
          )}
        />
      </nav>

      <div className="mt-8 space-y-6">
        {!view.signedIn && (
          <LandingPanel
            token={token}
            isvName={ISV_NAME}
            pinnedTenant={view.pinnedTenant}
            expiresAt={view.expiresAt}
          />
        )}
        {view.signedIn && (view.state === "SIGNED_IN" || view.state === "FAILED") && (
          <ConsentPanel isvName={ISV_NAME} appName={`${ISV_NAME} Encryption`} consentResult={consent} />
        )}
        {view.signedIn &&
          view.servicePrincipalObjectId &&
          ["CONSENTED", "KEY_SUBMITTED"].includes(view.state) && <KeyStep view={view} />}
        {view.signedIn &&
          !["INVITED", "SIGNED_IN", "FAILED", "CONSENTED", "KEY_SUBMITTED"].includes(view.state) && (
            <DonePanel view={view} isvName={ISV_NAME} />
          )}
        {view.state === "REVOKED" && (
          <Card title="This onboarding was closed">
            <p className="text-sm text-slate-700">
              {ISV_NAME} closed this onboarding. Contact them if you did not expect this.
            </p>
          </Card>
        )}
      </div>
    </main>
  );
}
