import { Card } from "@/components/ui/card";
import { ActionButton } from "./action-button";
import { ForwardConsent } from "./forward-consent";
import { CONSENT_CHECKED_FLAG } from "./steps";
import { beginAdminConsent, checkConsentAgain } from "../actions";

const CONSENT_MESSAGES: Record<string, { title: string; body: string }> = {
  cancelled: {
    title: "Consent was cancelled",
    body: "Nothing was granted. When you are ready, choose Grant admin consent again.",
  },
  not_admin: {
    title: "Your account cannot grant admin consent",
    body: "Admin consent needs a Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator. Send one of them a consent request: choose Get a link for your admin below. You continue here once they have granted it.",
  },
  bad_redirect: {
    title: "Microsoft refused the return address",
    body: "This is a set-up problem on our side; our team has been told. Please try again later.",
  },
  unknown_app: {
    title: "Microsoft does not know the application",
    body: "This is a set-up problem on our side; our team has been told. Please try again later.",
  },
  pending: {
    title: "Consent recorded, not yet visible",
    body: "Microsoft accepted your consent but has not made it visible to us yet. This usually takes seconds; choose Check again.",
  },
  other: {
    title: "Consent did not complete",
    body: "Microsoft reported an error. Try again; if it persists, contact us with the time it happened.",
  },
};

/** Step 2: what the ISV's app will be able to do, and the button that opens Microsoft's consent page. */
export function ConsentPanel({
  isvName,
  appName,
  consentResult,
}: {
  isvName: string;
  appName: string;
  consentResult?: string;
}) {
  const message = consentResult ? CONSENT_MESSAGES[consentResult] : undefined;
  return (
    <Card
      title="Grant admin consent"
      description={`Install ${isvName}'s encryption app in your organization.`}
    >
      {message && (
        <div
          role="alert"
          className={`mb-4 rounded-md p-3 text-sm ${consentResult === "pending" ? "bg-amber-50 text-amber-900" : "bg-red-50 text-red-900"}`}
        >
          <p className="font-semibold">{message.title}</p>
          <p className="mt-1">{message.body}</p>
        </div>
      )}
      <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
        <li>
          Microsoft will ask you to accept <strong>{appName}</strong>. Accepting creates its service principal
          in your tenant; it gets no permission to your directory or data.
        </li>
        <li>
          Its only access will be the role you assign on your key in the next step, which you can remove at
          any time.
        </li>
      </ul>
      <div className="mt-5 flex flex-wrap items-start gap-3">
        <ActionButton
          action={beginAdminConsent}
          label="Grant admin consent"
          pendingLabel="Opening Microsoft…"
        />
        <ActionButton
          action={checkConsentAgain}
          label="Someone else granted it — check again"
          pendingLabel="Checking…"
          variant="secondary"
          focusFlag={CONSENT_CHECKED_FLAG}
        />
      </div>
      <ForwardConsent prominent={consentResult === "not_admin"} />
    </Card>
  );
}
