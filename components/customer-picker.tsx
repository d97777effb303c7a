"use client";

import { useEffect, useId, useRef, useState, useTransition } from "react";
import { searchCustomersAction } from "@/app/console/customer-search";

export type CustomerOption = { id: string; name: string };

/**
 * A combobox that asks the server for customers as you type (WAI-ARIA combobox with a listbox popup).
 * In a GET form, `name` submits the chosen id; `onPick` is for pickers that act at once.
 */
export function CustomerPicker({
  label,
  name,
  initial,
  verifiedKeyOnly,
  extraOption,
  onPick,
  autoFocus,
}: {
  label: string;
  name?: string;
  initial?: CustomerOption | null;
  verifiedKeyOnly: boolean;
  /** A choice offered before any typing, e.g. "Unassigned" in a filter. */
  extraOption?: CustomerOption;
  onPick?: (customer: CustomerOption) => void;
  autoFocus?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(initial?.name ?? "");
  const [chosen, setChosen] = useState<CustomerOption | null>(initial ?? null);
  const [options, setOptions] = useState<CustomerOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [searched, setSearched] = useState(false);
  const [pending, start] = useTransition();
  const request = useRef(0);

  useEffect(() => {
    if (!open) return;
    const ticket = ++request.current;
    const timer = setTimeout(
      () =>
        start(async () => {
          const answer = await searchCustomersAction(text, verifiedKeyOnly);
          const found = answer.ok ? answer.customers : [];
          // A slower answer to an older keystroke must not replace a newer one.
          if (ticket !== request.current) return;
          setOptions(extraOption && !text.trim() ? [extraOption, ...found] : found);
          setActive(0);
          setSearched(true);
        }),
      200,
    );
    return () => clearTimeout(timer);
  }, [text, open, verifiedKeyOnly, extraOption]);

  const pick = (option: CustomerOption) => {
    setChosen(option);
    setText(option.name);
    setOpen(false);
    onPick?.(option);
  };

  return (
    <div className="relative flex flex-col text-sm text-slate-700">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${id}-${active}` : undefined}
        autoComplete="off"
        autoFocus={autoFocus}
        value={text}
        placeholder="Type a name"
        onChange={(e) => {
          setText(e.target.value);
          setChosen(null);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setActive((a) => Math.min(a + 1, options.length - 1));
          else if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
          else if (e.key === "Escape") setOpen(false);
          else if (e.key === "Enter" && open && options[active]) pick(options[active]);
          else return;
          e.preventDefault();
        }}
        className="mt-1 w-56 rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm"
      />
      {name && <input type="hidden" name={name} value={chosen?.id ?? ""} />}
      <ul
        id={`${id}-list`}
        role="listbox"
        aria-label={label}
        hidden={!open || options.length === 0}
        className="absolute top-full z-10 mt-1 max-h-64 w-64 overflow-auto rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200"
      >
        {options.map((option, i) => (
          <li
            key={option.id}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(option);
            }}
            className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-brand-50 text-brand-900" : ""}`}
          >
            {option.name}
          </li>
        ))}
      </ul>
      <p role="status" aria-live="polite" className="sr-only">
        {open && searched && !pending
          ? options.length
            ? `${options.length} customers found`
            : "No customer matches"
          : ""}
      </p>
      {open && searched && !pending && options.length === 0 && (
        <p className="absolute top-full z-10 mt-1 w-64 rounded-md bg-white px-3 py-2 text-slate-600 shadow-lg ring-1 ring-slate-200">
          {verifiedKeyOnly ? "No customer with a verified key matches." : "No customer matches."}
        </p>
      )}
    </div>
  );
}
