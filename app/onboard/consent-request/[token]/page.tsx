import type { Metadata } from "next";
import { cache } from "react";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { openConsentForward } from "@/lib/onboarding/forward-consent";
import { currentClientAddress } from "@/lib/request-context";
import { assertMissBudget, countMiss, enforceRateLimit, inviteKey } from "@/lib/security/rate-limit";
import { ForwardedConsentButton } from "../../_components/forwarded-consent-button";
import { formatDateTime } from "@/lib/format-date";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<{ consent?: string }> };

const RESULTS: Record<string, { title: string; body: string; tone: "bad" | "wait" }> = {
  cancelled: { title: "Consent was cancelled", body: "Nothing was granted.", tone: "bad" },
  not_admin: {
    title: "This account cannot grant admin consent either",
    body: "It needs a Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator of the organization.",
    tone: "bad",
  },
  pending: {
    title: "Consent recorded, not yet visible",
    body: "Microsoft accepted the consent but has not made it visible to us yet. Your colleague's page shows it within a minute.",
    tone: "wait",
  },
  other: {
    title: "Consent did not complete",
    body: "Microsoft reported an error. Try again; if it persists, contact us with the time it happened.",
    tone: "bad",
  },
};

// Title and page read the same request; one database read per request.
const load = cache(async (token: string) => {
  const db = getDb();
  const address = await currentClientAddress();
  await assertMissBudget(db, address);
  await enforceRateLimit(db, { step: "consent-request", address, invite: inviteKey(token) });
  try {
    return (await openConsentForward(db, token)).view;
  } catch (error) {
    // Guessing looks like unknown tokens: counted against the address, and a 404.
    if (isAppError(error) && error.options.details?.miss === true) {
      await countMiss(db, address);
      notFound();
    }
    throw error;
  }
});

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { token } = await props.params;
  let title = "Admin consent requested";
  try {
    const view = await load(token);
    if (view.status === "granted") title = "Admin consent granted";
    else if (view.status === "closed") title = "Consent request no longer usable";
  } catch (error) {
    if (!isAppError(error)) throw error;
    title = error.code === "RATE_LIMITED" ? "Too many attempts" : "Consent request not usable";
  }
  return { title, referrer: "no-referrer" };
}

/**
 * What the admin a consent request was forwarded to sees: who asked, for which organization and app, and the
 * button to grant it. No sign-in to Crosskey, no access to the onboarding: the consent is proved by a token.
 */
export default async function ForwardedConsentPage(props: Props) {
  const [{ token }, { consent }] = await Promise.all([props.params, props.searchParams]);
  const { ISV_NAME } = getEnv();
  const appName = `${ISV_NAME} Encryption`;
  let view;
  try {
    view = await load(token);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
        <h1 className="text-2xl font-bold text-slate-900">
          {error.code === "RATE_LIMITED" ? "Too many attempts" : "This consent request cannot be used"}
        </h1>
        <p className="mt-3 text-slate-700">{error.message}</p>
      </main>
    );
  }
  const result = consent ? RESULTS[consent] : undefined;
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-8 sm:px-6 sm:py-10">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">
        {view.status === "granted" ? "Admin consent granted" : "Admin consent requested"}
      </h1>
      <p className="mt-2 text-slate-600">
        <strong className="break-all">{view.requestedBy}</strong> is connecting{" "}
        <strong>{view.customerName}</strong>&apos;s encryption key to {ISV_NAME} and asked an administrator of
        your organization to approve {appName}.
      </p>
      <div className="mt-8">
        {view.status === "granted" && (
          <Card title="Nothing more is needed from you">
            <p className="text-sm text-slate-700">
              Consent for {appName} is granted and proved in tenant{" "}
              <span className="font-mono break-all">{view.tenantId}</span>. {view.requestedBy} can continue on
              their page.
            </p>
          </Card>
        )}
        {view.status === "closed" && (
          <Card title="This consent request no longer works">
            <p className="text-sm text-slate-700">
              It expired, was replaced by a newer request, or the onboarding it belongs to changed. Ask{" "}
              {view.requestedBy} for a new link.
            </p>
          </Card>
        )}
        {view.status === "open" && (
          <Card title="Grant admin consent" description={`Install ${appName} in your organization.`}>
            {result && (
              <div
                role="alert"
                className={`mb-4 rounded-md p-3 text-sm ${result.tone === "wait" ? "bg-amber-50 text-amber-900" : "bg-red-50 text-red-900"}`}
              >
                <p className="font-semibold">{result.title}</p>
                <p className="mt-1">{result.body}</p>
              </div>
            )}
            <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
              <li>
                Microsoft will ask you to sign in as an administrator of tenant{" "}
                <span className="font-mono break-all">{view.tenantId}</span> and accept{" "}
                <strong>{appName}</strong>. Accepting creates its service principal; it gets no permission to
                your directory or data.
              </li>
              <li>
                Its only access will be the role your colleague assigns on your key next, which you can remove
                at any time.
              </li>
              <li>This request works until {formatDateTime(view.expiresAt)}.</li>
            </ul>
            <div className="mt-5">
              <ForwardedConsentButton token={token} />
            </div>
          </Card>
        )}
      </div>
    </main>
  );
}
