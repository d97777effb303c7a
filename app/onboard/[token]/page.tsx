import type { Metadata } from "next";
import { cache } from "react";
import { Stepper } from "@/components/ui/stepper";
import { notFound } from "next/navigation";
import { getValidCustomerSession } from "@/lib/auth/customer";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { isHandoverPending } from "@/lib/onboarding/handover-status";
import { openInvitePage } from "@/lib/onboarding/open-invite-page";
import { currentClientAddress } from "@/lib/request-context";
import { signOutCustomer } from "../actions";
import { ConsentPanel } from "../_components/consent-panel";
import { DonePanel } from "../_components/done-panel";
import { KeyStep } from "../_components/key-step";
import {
  InviteIntro,
  InviteLanding,
  InviteProblem,
  inviteProblemTitle,
  OnboardingClosed,
} from "../_components/invite-landing";
import { onboardingSteps, stepTitle } from "../_components/steps";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<{ consent?: string }> };

// The title and the page read the same view; cache() makes that one database read (and one count) per request.
const loadView = cache(async (token: string) => {
  const db = getDb();
  const view = await openInvitePage(db, {
    token,
    address: await currentClientAddress(),
    session: () => getValidCustomerSession(db),
  });
  // A token that matches no invite (counted as a miss): a 404, not a page that looks like an invite.
  if (!view) notFound();
  return view;
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
    title = inviteProblemTitle(error.code);
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
    return <InviteProblem code={error.code} message={error.message} />;
  }
  // Signed out, or a session for another invite: the landing (a first visit without a customer cookie gets
  // the same landing without any script, from pages/onboard-landing; proxy.ts decides).
  if (!view.signedIn) return <InviteLanding token={token} isvName={ISV_NAME} view={view} />;

  const keyStatus = view.key?.status;
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <InviteIntro customerName={view.customerName} isvName={ISV_NAME}>
        <form action={signOutCustomer} className="min-w-0 text-sm text-slate-600">
          <p className="break-all">
            Signed in as <strong>{view.session.upn}</strong>
          </p>
          <p className="font-mono text-xs break-all">tenant {view.session.tenantId}</p>
          <button type="submit" className="mt-1 text-brand-700 underline">
            Sign out
          </button>
        </form>
      </InviteIntro>

      <nav className="mt-6" aria-label="Onboarding progress">
        <Stepper
          steps={onboardingSteps(view.state, true, keyStatus, isHandoverPending(view.handover?.status))}
        />
      </nav>

      <div className="mt-8 space-y-6">
        {(view.state === "SIGNED_IN" || view.state === "FAILED") && (
          <ConsentPanel isvName={ISV_NAME} appName={`${ISV_NAME} Encryption`} consentResult={consent} />
        )}
        {view.servicePrincipalObjectId && ["CONSENTED", "KEY_SUBMITTED"].includes(view.state) && (
          <KeyStep view={view} />
        )}
        {!["INVITED", "SIGNED_IN", "FAILED", "CONSENTED", "KEY_SUBMITTED"].includes(view.state) && (
          <DonePanel view={view} isvName={ISV_NAME} />
        )}
        {view.state === "REVOKED" && <OnboardingClosed isvName={ISV_NAME} />}
      </div>
    </main>
  );
}
