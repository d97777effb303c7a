"use client";

import { useActionState, useTransition, useState } from "react";
import { Button } from "@/components/ui/button";
import { addResourceAction, discoverResourcesAction, type ResourceActionResult } from "./actions";

export function DiscoverButton() {
  const [result, setResult] = useState<ResourceActionResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        disabled={pending}
        onClick={() => start(async () => setResult(await discoverResourcesAction()))}
      >
        {pending ? "Reading Azure…" : "Discover from Azure"}
      </Button>
      <p
        role="status"
        aria-live="polite"
        className={`text-sm ${result?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </div>
  );
}

export function AddResourceForm() {
  const [result, action, pending] = useActionState<ResourceActionResult | null, FormData>(
    addResourceAction,
    null,
  );
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <label className="flex min-w-0 flex-[1_1_20rem] flex-col text-sm text-slate-700">
        Add by resource ID
        <input
          name="armId"
          required
          maxLength={1024}
          spellCheck={false}
          placeholder="/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/…"
          className="mt-1 rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
        />
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>
        Add
      </Button>
      <p
        role="status"
        aria-live="polite"
        className={`w-full text-sm ${result?.ok === false ? "text-red-700" : "text-emerald-700"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </form>
  );
}
