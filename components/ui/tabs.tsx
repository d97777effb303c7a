"use client";

import { useRef, type KeyboardEvent, type ReactNode } from "react";

/**
 * Tabs as in the WAI-ARIA Authoring Practices (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): one tab
 * stop for the list, arrow keys / Home / End move between tabs and select them, and the panel is named by
 * its tab. The caller renders the controls that sit beside the list; the panel is rendered here.
 */
export function Tabs<T extends string>({
  id,
  label,
  tabs,
  selected,
  onSelect,
  beside,
  children,
}: {
  id: string;
  label: string;
  tabs: readonly T[];
  selected: T;
  onSelect: (tab: T) => void;
  beside?: ReactNode;
  children: ReactNode;
}) {
  const list = useRef<HTMLDivElement>(null);
  const tabId = (i: number) => `${id}-tab-${i}`;
  const panelId = `${id}-panel`;

  function onKeyDown(event: KeyboardEvent) {
    const current = tabs.indexOf(selected);
    const next = {
      ArrowRight: (current + 1) % tabs.length,
      ArrowLeft: (current - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onSelect(tabs[next]!);
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(next)}`)?.focus();
  }

  return (
    <div>
      <div className="flex flex-wrap items-end gap-4 text-sm">
        <div
          ref={list}
          role="tablist"
          aria-label={label}
          onKeyDown={onKeyDown}
          className="flex gap-1 rounded-md bg-slate-100 p-1"
        >
          {tabs.map((tab, i) => (
            <button
              key={tab}
              id={tabId(i)}
              role="tab"
              type="button"
              aria-selected={tab === selected}
              aria-controls={panelId}
              tabIndex={tab === selected ? 0 : -1}
              onClick={() => onSelect(tab)}
              className={`rounded px-3 py-1.5 ${tab === selected ? "bg-white font-medium shadow-sm" : "text-slate-700"}`}
            >
              {tab}
            </button>
          ))}
        </div>
        {beside}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(tabs.indexOf(selected))} className="mt-3">
        {children}
      </div>
    </div>
  );
}
