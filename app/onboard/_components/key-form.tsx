"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { raiseFocusFlag } from "@/components/ui/focus-heading";
import { submitKey, type ActionResult } from "../actions";
import { KEY_SUBMITTED_FLAG } from "./steps";

/**
 * Step 4: paste the key URI (and later, a replacement key: `submit`). The server parses it strictly and says
 * exactly what is wrong.
 */
export function KeyForm({
  current,
  submit = submitKey,
  idPrefix = "keyUri",
  label = "Key identifier (URI)",
  button = "Submit and verify",
}: {
  current?: string;
  submit?: (previous: ActionResult | null, form: FormData) => Promise<ActionResult>;
  idPrefix?: string;
  label?: string;
  button?: string;
}) {
  const [result, action, pending] = useActionState<ActionResult | null, FormData>(submit, null);
  return (
    <form
      action={action}
      onSubmit={() => raiseFocusFlag(KEY_SUBMITTED_FLAG)}
      className="space-y-2"
      noValidate
    >
      <label htmlFor={idPrefix} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <p id={`${idPrefix}-help`} className="text-sm text-slate-600">
        From the key&apos;s page in the portal, copy <em>Key Identifier</em>, or use the URI the script
        printed. For example{" "}
        <code className="font-mono text-xs break-all">
          https://contoso-cmk.vault.azure.net/keys/fabrikam-cmk
        </code>
      </p>
      <div className="flex flex-wrap gap-2">
        <input
          id={idPrefix}
          name="keyUri"
          type="url"
          required
          key={result?.ok === false ? result.value : current}
          defaultValue={result?.ok === false ? (result.value ?? current) : current}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${idPrefix}-help ${idPrefix}-result`}
          aria-invalid={result?.ok === false}
          className="min-w-0 flex-[1_1_16rem] rounded-md border border-slate-300 px-3 py-2 font-mono text-sm shadow-sm focus:border-brand-600"
        />
        <Button type="submit" disabled={pending}>
          {pending ? "Verifying…" : button}
        </Button>
      </div>
      <p
        id={`${idPrefix}-result`}
        role="status"
        aria-live="polite"
        className={`text-sm ${result?.ok === false ? "text-red-700" : "text-slate-700"}`}
      >
        {result ? (result.ok ? result.message : result.error) : null}
      </p>
    </form>
  );
}
