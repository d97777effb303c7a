import Link from "next/link";
import type { ReactNode } from "react";

/**
 * A list's search and filters as a plain GET form: the view lives in the URL, so it can be shared, the back
 * button returns to it, and it works before (or without) JavaScript.
 */
export function FilterForm({ path, label, children }: { path: string; label: string; children: ReactNode }) {
  return (
    <form
      action={path}
      method="get"
      role="search"
      aria-label={label}
      className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-3 ring-1 ring-slate-200"
    >
      {children}
      <button
        type="submit"
        className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700"
      >
        Search
      </button>
      <Link href={path} className="px-2 py-2 text-sm text-brand-700 hover:underline">
        Clear
      </Link>
    </form>
  );
}

const control = "mt-1 rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm";

export function SearchField({
  label,
  defaultValue,
  placeholder,
}: {
  label: string;
  defaultValue?: string;
  placeholder?: string;
}) {
  return (
    <label className="flex w-full flex-col text-sm text-slate-700 sm:w-auto sm:min-w-64 sm:flex-1">
      {label}
      <input
        type="search"
        name="q"
        defaultValue={defaultValue}
        placeholder={placeholder}
        maxLength={1024}
        spellCheck={false}
        className={control}
      />
    </label>
  );
}

export function SelectField({
  label,
  name,
  defaultValue,
  options,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  options: { value: string; label: string }[];
}) {
  return (
    <label className="flex flex-col text-sm text-slate-700">
      {label}
      <select name={name} defaultValue={defaultValue ?? ""} className={control}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
