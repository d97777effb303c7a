import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { Stepper } from "@/components/ui/stepper";
import type { AppErrorCode } from "@/lib/errors";
import type { OnboardingState } from "@/lib/generated/prisma/enums";
import { LandingPanel } from "./landing-panel";
import { onboardingSteps } from "./steps";

/*
 * The invite page as someone who is not signed in sees it. Rendered by the App Router page (a visitor whose
 * customer cookie no longer works) and, without any script, by pages/onboard-landing/[token].tsx (everyone else
 * on a first visit): so nothing here may use hooks, server actions or next/link.
 */

/** The page's heading and whom the invite is for; `children` goes beside it (the signed-in customer's name). */
export function InviteIntro({
  customerName,
  isvName,
  children,
}: {
  customerName: string;
  isvName: string;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Connect your encryption key</h1>
        <p className="mt-2 text-slate-600">
          For <strong>{customerName}</strong>. {isvName} will encrypt your data with a key that stays in your
          own Azure tenant.
        </p>
      </div>
      {children}
    </div>
  );
}

export function OnboardingClosed({ isvName }: { isvName: string }) {
  return (
    <Card title="This onboarding was closed">
      <p className="text-sm text-slate-700">
        {isvName} closed this onboarding. Contact them if you did not expect this.
      </p>
    </Card>
  );
}

export function InviteLanding({
  token,
  isvName,
  view,
}: {
  token: string;
  isvName: string;
  view: { customerName: string; pinnedTenant: string | null; expiresAt: Date; state: OnboardingState };
}) {
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <InviteIntro customerName={view.customerName} isvName={isvName} />
      <nav className="mt-6" aria-label="Onboarding progress">
        <Stepper steps={onboardingSteps(view.state, false)} />
      </nav>
      <div className="mt-8 space-y-6">
        <LandingPanel
          token={token}
          isvName={isvName}
          pinnedTenant={view.pinnedTenant}
          expiresAt={view.expiresAt}
        />
        {view.state === "REVOKED" && <OnboardingClosed isvName={isvName} />}
      </div>
    </main>
  );
}

/** The browser tab's title when the link cannot be used (rate limited, revoked or expired). */
export function inviteProblemTitle(code: AppErrorCode): string {
  return code === "RATE_LIMITED" ? "Too many attempts" : "Invite link not usable";
}

/** Why the link cannot be used, in the AppError's own words. */
export function InviteProblem({ code, message }: { code: AppErrorCode; message: string }) {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">
        {code === "INVITE_UNUSABLE"
          ? "This invite link no longer works"
          : code === "RATE_LIMITED"
            ? "Too many attempts"
            : "Invite link not recognised"}
      </h1>
      <p className="mt-3 text-slate-700">{message}</p>
    </main>
  );
}
