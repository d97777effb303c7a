"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { forwardConsentRequest } from "../actions";
import { formatDateTime } from "@/lib/format-date";

type Result = Awaited<ReturnType<typeof forwardConsentRequest>>;

/**
 * For someone who is not an admin of their tenant: a link to send to one. The admin grants consent from it, and
 * this page then moves on by itself once consent is proved ("check again" proves it at once).
 */
export function ForwardConsent({ prominent }: { prominent: boolean }) {
  const [result, run, pending] = useActionState<Result | null>(() => forwardConsentRequest(), null);
  const [copied, setCopied] = useState(false);
  const link = result?.ok ? result.link : undefined;
  const expiresAt = result?.ok ? result.expiresAt : undefined;
  return (
    <div className={`mt-5 rounded-md p-3 ${prominent ? "bg-slate-50 ring-1 ring-slate-200" : ""}`}>
      <p className="text-sm font-semibold text-slate-900">Not an administrator?</p>
      <p className="mt-1 text-sm text-slate-700">
        Get a link to send to an administrator of your organization. They open it, grant consent, and you
        continue here. The link works for your organization only, for seven days, and a new link replaces it.
      </p>
      <form action={run} className="mt-3">
        <Button type="submit" variant={prominent ? "primary" : "secondary"} disabled={pending}>
          {pending ? "Creating the link…" : link ? "Create a new link" : "Get a link for your admin"}
        </Button>
      </form>
      <div role="status" aria-live="polite" className="mt-3 text-sm">
        {result && !result.ok && <p className="text-red-700">{result.error}</p>}
        {link && (
          <div>
            <label htmlFor="forward-link" className="block font-medium text-slate-900">
              Send this link to your administrator
            </label>
            <div className="mt-1 flex flex-wrap gap-2">
              <input
                id="forward-link"
                readOnly
                value={link}
                onFocus={(e) => e.currentTarget.select()}
                className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
              />
              <Button
                type="button"
                variant="secondary"
                onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
            <p className="mt-1 text-slate-600">
              Valid until {expiresAt && formatDateTime(new Date(expiresAt))}. When they have granted consent,
              choose <strong>Someone else granted it — check again</strong>.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
