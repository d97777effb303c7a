import Link from "next/link";
import type { Page } from "@/lib/db/keyset";
import { formatCount } from "@/lib/format-date";

/** Where a list's current page sits in the whole ("51–100 of 61,204"), with links to its neighbours. */
export function Pager({
  page,
  path,
  params,
  noun,
}: {
  page: Pick<Page<unknown>, "from" | "to" | "total" | "totalIsLowerBound" | "next" | "prev">;
  path: string;
  /** The list's filters, kept on every link so paging never loses them. */
  params: Record<string, string | undefined>;
  noun: string;
}) {
  const href = (cursor: { after?: string; before?: string }) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...params, ...cursor })) if (value) query.set(name, value);
    const text = query.toString();
    return text ? `${path}?${text}` : path;
  };
  const link = "rounded-md px-3 py-1.5 text-sm text-brand-700 ring-1 ring-slate-300 hover:bg-slate-50";
  const off = "rounded-md px-3 py-1.5 text-sm text-slate-500 ring-1 ring-slate-200";
  return (
    <nav aria-label={`${noun} pages`} className="flex flex-wrap items-center justify-between gap-3">
      <p role="status" aria-live="polite" className="text-sm text-slate-600" data-testid="page-range">
        {page.total === 0
          ? `No ${noun}`
          : `${formatCount(page.from)}–${formatCount(page.to)} of ${formatCount(page.total)}${page.totalIsLowerBound ? "+" : ""} ${noun}`}
      </p>
      <div className="flex gap-2">
        {page.prev !== undefined ? (
          <Link className={link} href={href({ before: page.prev || undefined })} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Previous
          </span>
        )}
        {page.next ? (
          <Link className={link} href={href({ after: page.next })} rel="next">
            Next
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
