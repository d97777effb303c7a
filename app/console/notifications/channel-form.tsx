"use client";

import { useActionState, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { createChannelAction, type ChannelActionResult } from "./actions";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";

/** Adds an email or webhook channel (Admin); a webhook's signing secret is shown once, here. */
export function ChannelForm() {
  const [result, action, pending] = useActionState<ChannelActionResult | null, FormData>(
    createChannelAction,
    null,
  );
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (result) status.current?.focus();
  }, [result]);
  const fieldError = (name: string) => (result && !result.ok ? result.fieldErrors?.[name]?.[0] : undefined);
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="text-sm text-slate-800">
          Kind
          <select name="kind" className={input} defaultValue="EMAIL">
            <option value="EMAIL">Email</option>
            <option value="WEBHOOK">Webhook (Standard Webhooks, signed)</option>
          </select>
        </label>
        <label className="text-sm text-slate-800">
          Name
          <input name="name" required maxLength={120} className={input} aria-invalid={!!fieldError("name")} />
        </label>
        <label className="text-sm text-slate-800 sm:col-span-2">
          Email address or https URL
          <input
            name="target"
            required
            maxLength={2048}
            className={input}
            spellCheck={false}
            aria-invalid={!!fieldError("target")}
            aria-describedby="target-hint"
          />
          <span id="target-hint" className="mt-1 block text-xs text-slate-600">
            Webhooks must use https; each request carries webhook-id, webhook-timestamp and webhook-signature.
          </span>
        </label>
        <label className="text-sm text-slate-800 sm:col-span-2">
          Only for this customer (optional)
          <input name="customerName" maxLength={200} className={input} aria-describedby="customer-hint" />
          <span id="customer-hint" className="mt-1 block text-xs text-slate-600">
            The customer&apos;s exact name: its contacts then receive news about its own key only. Leave empty
            for your operations team, who receive everything.
          </span>
        </label>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add channel"}
        </Button>
      </div>
      <div>
        <p
          ref={status}
          tabIndex={-1}
          role="status"
          aria-live="polite"
          className={`text-sm ${result?.ok === false ? "text-red-700" : "text-slate-800"}`}
        >
          {result ? (result.ok ? result.message : result.error) : ""}
        </p>
        {result?.ok && result.secret && (
          <div className="mt-2 flex items-start gap-2">
            <code
              data-testid="webhook-secret"
              className="min-w-0 flex-1 rounded bg-slate-100 p-2 font-mono text-xs break-all"
            >
              {result.secret}
            </code>
            <CopyButton text={result.secret} label="Copy secret" />
          </div>
        )}
      </div>
    </form>
  );
}
