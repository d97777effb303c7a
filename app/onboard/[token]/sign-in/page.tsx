import type { Metadata } from "next";
import { StartSignIn } from "../../_components/start-sign-in";

// The token is in this page's address: it must not travel to Microsoft's sign-in page as a referrer.
export const metadata: Metadata = {
  title: "Signing in · Connect your encryption key",
  referrer: "no-referrer",
};

/**
 * Where the invite page's Sign in link leads: this page loads MSAL and sends the browser to Microsoft. The
 * invite page itself runs no script (pages/onboard-landing); this is where the customer's first script loads.
 * It reads nothing itself: `beginCustomerSignIn` checks the token, its rate limits and the request's origin.
 */
export default async function SignInPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">Sign in with your work account</h1>
      <StartSignIn token={token} />
    </main>
  );
}
