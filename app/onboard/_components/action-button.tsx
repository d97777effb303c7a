"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { raiseFocusFlag } from "@/components/ui/focus-heading";
import type { ActionResult } from "../actions";

/** A form with one button that runs a server action and announces its result. */
export function ActionButton({
  action,
  label,
  pendingLabel,
  variant = "primary",
  focusFlag,
}: {
  action: () => Promise<ActionResult>;
  label: string;
  pendingLabel: string;
  variant?: "primary" | "secondary";
  /** Raised on submit, for when the result replaces this button with a heading that should take focus. */
  focusFlag?: string;
}) {
  const [result, run, pending] = useActionState<ActionResult | null>(() => action(), null);
  return (
    <form action={run} onSubmit={focusFlag ? () => raiseFocusFlag(focusFlag) : undefined}>
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
