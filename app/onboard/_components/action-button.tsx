"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "../actions";

/** A form with one button that runs a server action and announces its result. */
export function ActionButton({
  action,
  label,
  pendingLabel,
  variant = "primary",
}: {
  action: () => Promise<ActionResult>;
  label: string;
  pendingLabel: string;
  variant?: "primary" | "secondary";
}) {
  const [result, run, pending] = useActionState<ActionResult | null>(() => action(), null);
  return (
    <form action={run}>
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
      <p
        role="status"
        aria-live="polite"
        className={`mt-2 max-w-md text-sm ${result?.ok === false ? "text-red-700" : "text-emerald-700"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </form>
  );
}
