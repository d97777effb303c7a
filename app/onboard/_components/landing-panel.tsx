import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format-date";

/** Before sign-in: who asks, what happens, what the customer needs. Nothing about the tenant is shown yet. */
export function LandingPanel({
  token,
  isvName,
  pinnedTenant,
  expiresAt,
}: {
  token: string;
  isvName: string;
  pinnedTenant: string | null;
  expiresAt: Date;
}) {
  return (
    <>
      <Card title="What will happen">
        <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
          <li>
            You sign in with a work account of your organization{pinnedTenant ? ` (${pinnedTenant})` : ""}.
          </li>
          <li>
            You grant admin consent to {isvName}&apos;s encryption app. It gets no access to your directory or
            data; it only becomes something you can give a role to.
          </li>
          <li>
            You create a key in your own Azure Key Vault (we give you a script filled with your values) and
            allow the app to use it.
          </li>
          <li>
            You paste the key&apos;s URI here and we check, live, that everything works, explaining anything
            that does not.
          </li>
        </ol>
      </Card>
      <Card title="What you need">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>
            A role that can grant admin consent: Global Administrator, Privileged Role Administrator, Cloud
            Application Administrator or Application Administrator.
          </li>
          <li>
            An Azure subscription in which you may create a key vault and assign roles (Owner, or Key Vault
            Administrator with User Access Administrator).
          </li>
          <li>About ten minutes.</li>
        </ul>
        <div className="mt-5">
          {/* A plain link: this page runs no script. The sign-in page loads MSAL and starts the redirect. */}
          <a href={`/onboard/${token}/sign-in`} className="btn btn-primary">
            Sign in with your work account
          </a>
        </div>
        <p className="mt-3 text-xs text-slate-500">
          This link is personal to your organization and works until {formatDateTime(expiresAt)}.
        </p>
      </Card>
    </>
  );
}
