"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { KeyHandoverPolicy } from "@/lib/generated/prisma/enums";
import { ActionStatus } from "../operations/operation-parts";
import type { OperationActionResult } from "../operations/actions";
import { setKeyHandoverPolicyAction } from "./actions";

const CHOICES: { value: KeyHandoverPolicy; label: string }[] = [
  { value: "APPROVAL", label: "Wait for an Admin's approval (any Admin: the customer asked)" },
  { value: "AUTO_APPLY", label: "Apply at once, as soon as the key verifies" },
];

/** The ISV's policy for customers' replacement keys; the action checks the Admin role again. */
export function HandoverPolicyForm({ policy }: { policy: KeyHandoverPolicy }) {
  const [choice, setChoice] = useState(policy);
  const [pending, start] = useTransition();
  const [result, setResult] = useState<OperationActionResult | null>(null);
  return (
    <form
      className="space-y-2 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => setResult(await setKeyHandoverPolicyAction(choice)));
      }}
    >
      <fieldset>
        <legend className="font-medium text-slate-900">
          When a customer&apos;s replacement key verifies
        </legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="mt-1 flex items-center gap-2">
            <input
              type="radio"
              name="keyHandoverPolicy"
              value={c.value}
              checked={choice === c.value}
              onChange={() => setChoice(c.value)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
      <Button type="submit" variant="secondary" disabled={pending || choice === policy}>
        Save
      </Button>
      <ActionStatus result={result} className="text-xs" />
    </form>
  );
}
