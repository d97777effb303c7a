"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { beginCustomerSignIn } from "../actions";
import { MSAL_SETTINGS_KEY, msalConfiguration } from "./msal-config";

type Phase = { kind: "starting" } | { kind: "paused" } | { kind: "failed"; error: string };

// React runs an effect twice in development (strict mode); one page load starts one sign-in.
let attempt: { token: string; outcome: Promise<string> } | null = null;

/**
 * Starts the browser redirect sign-in (auth code + PKCE by MSAL) with a nonce the server issued. Resolves only
 * when it could not start, with the reason; otherwise the browser is on its way to Microsoft.
 */
async function startSignIn(token: string): Promise<string> {
  try {
    const started = await beginCustomerSignIn(token);
    if (!started.ok || !("msal" in started))
      return "error" in started ? started.error : "Sign-in could not start.";
    const settings = { ...started.msal, domainHint: started.msal.domainHint ?? undefined };
    sessionStorage.setItem(MSAL_SETTINGS_KEY, JSON.stringify(settings));
    const { PublicClientApplication } = await import("@azure/msal-browser");
    const msal = new PublicClientApplication(msalConfiguration(settings));
    await msal.initialize();
    // No response here (it goes to the redirect page); this clears an attempt left behind by Back from
    // Microsoft's page, which would otherwise refuse this one as interaction_in_progress.
    await msal.handleRedirectPromise();
    await msal.loginRedirect({
      scopes: ["openid", "profile"],
      nonce: settings.nonce,
      prompt: "select_account",
      domainHint: settings.domainHint,
      // The response is handled on the redirect page itself, not by navigating back to this one.
      redirectStartPage: settings.redirectUri,
    });
    return new Promise<string>(() => {});
  } catch (error) {
    return `Sign-in could not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function startOnce(token: string): Promise<string> {
  if (attempt?.token !== token) attempt = { token, outcome: startSignIn(token) };
  return attempt.outcome;
}

/** Came back here with the browser's Back button (from Microsoft's page): do not send them there again unasked. */
function cameBack(): boolean {
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  return navigation?.type === "back_forward";
}

/**
 * The sign-in page's one job (app/onboard/[token]/sign-in): on load, off to Microsoft. What it shows is what
 * the customer needs if that does not happen: the reason, another try, the way back to the invite.
 */
export function StartSignIn({ token }: { token: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: "starting" });

  useEffect(() => {
    let live = true;
    const settle = (outcome: Promise<string>) =>
      void outcome.then((error) => {
        if (live) setPhase({ kind: "failed", error });
      });
    if (cameBack()) queueMicrotask(() => live && setPhase({ kind: "paused" }));
    else settle(startOnce(token));
    // Restored from the back/forward cache after leaving for Microsoft: the page must not look busy forever.
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) setPhase({ kind: "paused" });
    };
    window.addEventListener("pageshow", onShow);
    return () => {
      live = false;
      window.removeEventListener("pageshow", onShow);
    };
  }, [token]);

  function again() {
    attempt = null;
    setPhase({ kind: "starting" });
    void startOnce(token).then((error) => setPhase({ kind: "failed", error }));
  }

  return (
    <div className="mt-4">
      <p
        id="sign-in-status"
        role="status"
        aria-live="polite"
        className={phase.kind === "failed" ? "text-red-700" : "text-slate-700"}
      >
        {phase.kind === "starting"
          ? "Opening Microsoft sign-in…"
          : phase.kind === "failed"
            ? phase.error
            : "Microsoft's sign-in page was left before you signed in."}
      </p>
      {phase.kind !== "starting" && (
        <div className="mt-5 flex flex-wrap items-center gap-4">
          <Button onClick={again} aria-describedby="sign-in-status">
            {phase.kind === "failed" ? "Try again" : "Sign in with your work account"}
          </Button>
          <a href={`/onboard/${token}`} className="text-sm text-brand-700 underline">
            Back to your invite
          </a>
        </div>
      )}
    </div>
  );
}
