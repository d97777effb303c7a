"use client";

import { PublicClientApplication } from "@azure/msal-browser";
import { MsalProvider, useMsal } from "@azure/msal-react";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { finishCustomerSignIn } from "../actions";
import { MSAL_SETTINGS_KEY, msalConfiguration, type CustomerMsalSettings } from "../_components/msal-config";

// sessionStorage does not change under us while this page lives.
const noSubscription = () => () => {};

/** The SPA redirect URI: MSAL redeems the code (PKCE), then the server verifies the ID token. */
export default function SignedInPage() {
  // What the sign-in button stored before leaving for Microsoft; the server render has no sessionStorage.
  const raw = useSyncExternalStore(
    noSubscription,
    () => sessionStorage.getItem(MSAL_SETTINGS_KEY) ?? "",
    () => null,
  );
  const instance = useMemo(
    () =>
      raw ? new PublicClientApplication(msalConfiguration(JSON.parse(raw) as CustomerMsalSettings)) : null,
    [raw],
  );

  if (raw === "")
    return (
      <Message title="This sign-in did not start here">
        Open your invite link again and choose Sign in.
      </Message>
    );
  if (!instance) return <Message title="Signing you in…" />;
  return (
    <MsalProvider instance={instance}>
      <CompleteSignIn />
    </MsalProvider>
  );
}

// React may run the effect twice (strict mode); the sign-in must be redeemed exactly once.
let completion: Promise<Awaited<ReturnType<typeof finishCustomerSignIn>>> | null = null;

async function completeOnce(instance: ReturnType<typeof useMsal>["instance"]) {
  completion ??= (async () => {
    await instance.initialize();
    const result = await instance.handleRedirectPromise({ navigateToLoginRequestUrl: false });
    if (!result?.idToken)
      throw new Error("Microsoft did not return a sign-in. Open your invite link and try again.");
    const finished = await finishCustomerSignIn(result.idToken);
    sessionStorage.removeItem(MSAL_SETTINGS_KEY);
    return finished;
  })();
  return completion;
}

function CompleteSignIn() {
  const { instance } = useMsal();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const finished = await completeOnce(instance);
        if (cancelled) return;
        if (finished.ok && finished.redirectTo) router.replace(finished.redirectTo);
        else setError(finished.ok ? "Signed in." : finished.error);
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [instance, router]);

  return error ? (
    <Message title="Sign-in did not complete">{error}</Message>
  ) : (
    <Message title="Signing you in…" />
  );
}

function Message({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24" aria-live="polite">
      <h1 className="text-2xl font-bold text-slate-900">{title}</h1>
      {children && <p className="mt-3 text-slate-700">{children}</p>}
    </main>
  );
}
