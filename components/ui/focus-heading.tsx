"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * A heading that takes focus when it appears, so a screen reader reads out the result an action led to
 * (the form that was there is gone, and focus would otherwise fall back to the page). With `flag`, it takes
 * focus only when `raiseFocusFlag(flag)` was called earlier in this tab: not when someone simply opens the page.
 */
export function FocusHeading({
  children,
  className = "",
  flag,
}: {
  children: ReactNode;
  className?: string;
  flag?: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (flag) {
      if (sessionStorage.getItem(flag) === null) return;
      sessionStorage.removeItem(flag);
    }
    ref.current?.focus();
  }, [flag]);
  return (
    <h2 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h2>
  );
}

/** Marks that the next `FocusHeading` with this flag to appear in this tab should take focus. */
export function raiseFocusFlag(flag: string) {
  sessionStorage.setItem(flag, "1");
}
