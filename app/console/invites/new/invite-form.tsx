"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { createInvite, type ConsoleResult } from "../../actions";

const SERVICES = [
  { value: "STORAGE_ACCOUNT", label: "Azure Storage accounts" },
  { value: "COSMOS_DB_ACCOUNT", label: "Azure Cosmos DB accounts" },
  { value: "DISK_ENCRYPTION_SET", label: "Managed disks (disk encryption sets)" },
  { value: "SQL_SERVER", label: "Azure SQL Database servers" },
];

export function InviteForm() {
  const [result, action, pending] = useActionState<ConsoleResult | null, FormData>(createInvite, null);
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const values = result && !result.ok ? (result.values ?? {}) : {};
  if (result?.ok && result.inviteUrl) {
    return (
      <Card
        title={result.message}
        focusTitle
        description="Send this link to the customer's administrator. It is shown only now."
      >
        <div className="flex flex-wrap items-start gap-2">
          <code
            data-testid="invite-url"
            className="min-w-0 flex-[1_1_14rem] rounded bg-slate-100 p-2 font-mono text-xs break-all"
          >
            {result.inviteUrl}
          </code>
          <CopyButton text={result.inviteUrl} label="Copy link" />
        </div>
        <a
          href={`/console/onboardings/${result.onboardingId}`}
          className="mt-4 inline-block text-sm text-brand-700 underline"
        >
          Open the onboarding
        </a>
      </Card>
    );
  }
  return (
    <form
      key={JSON.stringify(values)}
      action={action}
      className="space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:p-6"
    >
      <Field id="customerName" label="Customer name" error={errors.customerName?.[0]}>
        {(field) => (
          <input
            {...field}
            name="customerName"
            required
            maxLength={200}
            defaultValue={values.customerName}
            className={input}
          />
        )}
      </Field>
      <Field id="contactEmail" label="Administrator's email (optional)" error={errors.contactEmail?.[0]}>
        {(field) => (
          <input
            {...field}
            name="contactEmail"
            type="email"
            maxLength={320}
            defaultValue={values.contactEmail}
            className={input}
          />
        )}
      </Field>
      <Field
        id="pinnedTenant"
        label="Pin to tenant (optional)"
        hint="A tenant ID or a verified domain such as contoso.com. The customer must then sign in to that tenant."
        error={errors.pinnedTenant?.[0]}
      >
        {(field) => (
          <input
            {...field}
            name="pinnedTenant"
            maxLength={253}
            defaultValue={values.pinnedTenant}
            className={input}
            spellCheck={false}
          />
        )}
      </Field>
      <fieldset aria-describedby="services-hint">
        <legend className="text-sm font-medium text-slate-900">Services that will use the key</legend>
        <p id="services-hint" className="text-sm text-slate-600">
          The customer sees whether their key fits each one before anything is configured.
        </p>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {SERVICES.map((s) => (
            <label key={s.value} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="services" value={s.value} defaultChecked className="h-4 w-4" />
              {s.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create invite"}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-red-700">
          {result && !result.ok ? result.error : null}
        </p>
      </div>
    </form>
  );
}

const input =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm aria-invalid:border-red-500";

/** A labelled field whose input is told (aria-describedby, aria-invalid) about its hint and its error. */
function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (field: { id: string; "aria-describedby"?: string; "aria-invalid": boolean }) => React.ReactNode;
}) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
      )}
      {children({ id, "aria-describedby": describedBy || undefined, "aria-invalid": !!error })}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
