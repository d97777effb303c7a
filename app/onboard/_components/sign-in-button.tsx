"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { beginCustomerSignIn } from "../actions";
import { MSAL_SETTINGS_KEY, msalConfiguration } from "./msal-config";

/** Starts the browser redirect sign-in (auth code + PKCE by MSAL) with a nonce the server issued. */
export function SignInButton({ token }: { token: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    const started = await beginCustomerSignIn(token);
    if (!started.ok || !("msal" in started)) {
      setError("error" in started ? started.error : "Sign-in could not start.");
      setBusy(false);
      return;
    }
    const settings = { ...started.msal, domainHint: started.msal.domainHint ?? undefined };
    sessionStorage.setItem(MSAL_SETTINGS_KEY, JSON.stringify(settings));
    // MSAL is most of this page's script weight: it loads when the customer asks to sign in, not before.
    const { PublicClientApplication } = await import("@azure/msal-browser");
    const msal = new PublicClientApplication(msalConfiguration(settings));
    await msal.initialize();
    await msal.loginRedirect({
      scopes: ["openid", "profile"],
      nonce: settings.nonce,
      prompt: "select_account",
      domainHint: settings.domainHint,
      // The response is handled on the redirect page itself, not by navigating back to this one.
      redirectStartPage: settings.redirectUri,
    });
  }

  return (
    <div>
      <Button onClick={signIn} disabled={busy} aria-describedby="sign-in-status">
        {busy ? "Opening Microsoft sign-in…" : "Sign in with your work account"}
      </Button>
      <p id="sign-in-status" role="status" aria-live="polite" className="mt-2 text-sm text-red-700">
        {error}
      </p>
    </div>
  );
}
