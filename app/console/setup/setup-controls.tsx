"use client";

import { useActionState, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { checkPhase1Action, repairCredentialAction, type SetupActionResult } from "./actions";

function Status({ result }: { result: SetupActionResult | null }) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={`text-sm ${result?.ok === false ? "text-red-700" : "text-emerald-700"}`}
    >
      {result ? (result.ok ? result.message : result.error) : null}
    </p>
  );
}

export function CheckNowButton() {
  const [result, setResult] = useState<SetupActionResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="flex items-center gap-3">
      <Status result={result} />
      <Button disabled={pending} onClick={() => start(async () => setResult(await checkPhase1Action()))}>
        {pending ? "Checking Graph and ARM…" : "Check now"}
      </Button>
    </div>
  );
}

/** The confirm step of a previewed repair: sends the fingerprint of exactly what was shown. */
export function RepairForm({
  identity,
  fingerprint,
  label,
}: {
  identity: string;
  fingerprint: string;
  label: string;
}) {
  const [result, action, pending] = useActionState<SetupActionResult | null, FormData>(
    repairCredentialAction,
    null,
  );
  return (
    <form action={action} className="mt-3 flex flex-wrap items-center gap-3">
      <input type="hidden" name="identity" value={identity} />
      <input type="hidden" name="fingerprint" value={fingerprint} />
      <Button type="submit" disabled={pending}>
        {pending ? "Calling Graph…" : label}
      </Button>
      <Status result={result} />
    </form>
  );
}
