import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { Stepper } from "@/components/ui/stepper";
import { getCustomerSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getCustomerView } from "@/lib/onboarding/get-customer-view";
import { signOutCustomer } from "../actions";
import { ConsentPanel } from "../_components/consent-panel";
import { DonePanel } from "../_components/done-panel";
import { KeyStep } from "../_components/key-step";
import { LandingPanel } from "../_components/landing-panel";
import { onboardingSteps } from "../_components/steps";

export const metadata: Metadata = { title: "Connect your encryption key", referrer: "no-referrer" };

export default async function OnboardingPage(props: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ consent?: string }>;
}) {
  const [{ token }, { consent }] = await Promise.all([props.params, props.searchParams]);
  const { ISV_NAME } = getEnv();
  let view;
  try {
    view = await getCustomerView(getDb(), token, await getCustomerSession());
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <main className="mx-auto max-w-xl px-6 py-24">
        <h1 className="text-2xl font-bold text-slate-900">
          {error.code === "INVITE_UNUSABLE"
            ? "This invite link no longer works"
            : "Invite link not recognised"}
        </h1>
        <p className="mt-3 text-slate-700">{error.message}</p>
      </main>
    );
  }

  const keyStatus = view.signedIn ? view.key?.status : undefined;
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm font-semibold text-brand-600">{ISV_NAME} · customer-managed keys</p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">
            Connect your encryption key
          </h1>
          <p className="mt-2 text-slate-600">
            For <strong>{view.customerName}</strong>. {ISV_NAME} will encrypt your data with a key that stays
            in your own Azure tenant.
          </p>
        </div>
        {view.signedIn && (
          <form action={signOutCustomer} className="text-right text-sm text-slate-600">
            <p>
              Signed in as <strong>{view.session.upn}</strong>
            </p>
            <p className="font-mono text-xs">tenant {view.session.tenantId}</p>
            <button type="submit" className="mt-1 text-brand-700 underline">
              Sign out
            </button>
          </form>
        )}
      </header>

      <nav className="mt-6" aria-label="Onboarding progress">
        <Stepper steps={onboardingSteps(view.state, view.signedIn, keyStatus)} />
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
