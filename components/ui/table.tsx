import type { ReactNode } from "react";

/** A data table; its cells' padding and colour come from `.data-table` (app/globals.css), not from each cell. */
export function Table({
  caption,
  head,
  children,
}: {
  caption: string;
  head: ReactNode[];
  children: ReactNode;
}) {
  return (
    // Focusable and named, so a keyboard can scroll a table wider than a phone (WCAG 2.1.1, 1.4.10).
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="relative overflow-x-auto rounded-lg ring-1 ring-slate-200"
    >
      <table className="data-table min-w-full divide-y divide-slate-200 bg-white text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

/**
 * One cell. Only the props a cell uses reach the page: each row of a list repeats this, and the RSC payload
 * spells out every prop, even an undefined one.
 */
export function Td({
  children,
  className,
  colSpan,
}: {
  children: ReactNode;
  className?: string;
  colSpan?: number;
}) {
  return (
    <td {...(className && { className })} {...(colSpan !== undefined && { colSpan })}>
      {children}
    </td>
  );
}
