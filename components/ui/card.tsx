import type { ReactNode } from "react";
import { FocusHeading } from "./focus-heading";

export function Card({
  title,
  description,
  actions,
  children,
  className = "",
  focusTitle,
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  /** The title takes focus when the card appears (after an action): always, or once a flag was raised. */
  focusTitle?: true | { flag: string };
}) {
  const titleClass = "text-base font-semibold text-slate-900";
  return (
    <section
      className={`min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5 ${className}`}
    >
      {(title || actions) && (
        <header className="mb-3 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            {title &&
              (focusTitle ? (
                <FocusHeading className={titleClass} flag={focusTitle === true ? undefined : focusTitle.flag}>
                  {title}
                </FocusHeading>
              ) : (
                <h2 className={titleClass}>{title}</h2>
              ))}
            {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
          </div>
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}
