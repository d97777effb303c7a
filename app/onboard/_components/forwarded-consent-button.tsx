"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { beginForwardedConsent } from "../actions";

/** The admin's button on a forwarded request: the server binds a consent state to this browser and redirects. */
export function ForwardedConsentButton({ token }: { token: string }) {
  const [result, run, pending] = useActionState<Awaited<ReturnType<typeof beginForwardedConsent>> | null>(
    () => beginForwardedConsent(token),
    null,
  );
  return (
    <form action={run}>
      <Button type="submit" disabled={pending}>
        {pending ? "Opening Microsoft…" : "Grant admin consent"}
      </Button>
      <p role="status" aria-live="polite" className="mt-2 max-w-md text-sm text-red-700">
        {result && !result.ok ? result.error : null}
      </p>
    </form>
  );
}
